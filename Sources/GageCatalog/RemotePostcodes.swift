import GageCore

/// The 도서산간 (islands and remote areas outside 제주) postcode ranges Gage charges `checkout.shipping.remote` for,
/// unless the shop lists its carrier's own (`checkout.shipping.remote_postcodes`).
///
/// Source: 아임웹 고객센터 FAQ "도서산간 지역 우편번호" (https://imweb.me/faq?mode=view&category=29&category2=40&idx=71671),
/// the 5-digit (국가기초구역, 2015-08-01) ranges Korean shop platforms charge 도서산간 for. There is no internet
/// here, so the page itself could not be read: the ranges are those two independent public code bases reproduce
/// from it (one writes 58826 as 28826, a typo), compared on 2026-12-06. The page's own revision date is not known.
/// Ranges that were here before that comparison and are not on that list (보성·고흥·여수의 일부 섬: 59421, 59531,
/// 59551, 59563, 59568) are left out: a seller whose carrier charges for them lists them. 제주 (63000–63644) is not
/// here: it has its own surcharge (`Region.jejuPostcodes`).
enum RemotePostcodes {
    /// `first last area`, one range per line.
    static let table = """
        22386 22388 인천 중구 (영종 외 섬)
        23004 23010 인천 강화군 (섬)
        23100 23116 인천 옹진군
        23124 23136 인천 옹진군
        31708 31708 충남 당진시 (섬)
        32133 32133 충남 태안군 (섬)
        33411 33411 충남 보령시 (섬)
        40200 40240 경북 울릉군
        46768 46771 부산 강서구 (섬)
        52570 52571 경남 사천시 (섬)
        53031 53033 경남 통영시 (섬)
        53089 53104 경남 통영시 (섬)
        54000 54000 전북 군산시 (섬)
        56347 56349 전북 부안군 (섬)
        57068 57069 전남 영광군 (섬)
        58760 58762 전남 목포시 (섬)
        58800 58810 전남 신안군
        58816 58818 전남 신안군
        58826 58826 전남 신안군
        58828 58866 전남 신안군
        58953 58958 전남 진도군 (섬)
        59102 59103 전남 완도군 (섬)
        59106 59106 전남 완도군 (섬)
        59127 59127 전남 완도군 (섬)
        59129 59129 전남 완도군 (섬)
        59137 59166 전남 완도군 (섬)
        59650 59650 전남 여수시 (섬)
        59766 59766 전남 여수시 (섬)
        59781 59790 전남 여수시 (섬)
        """

    static let ranges: [PostcodeRange] = table.split(separator: "\n").compactMap { line in
        let fields = line.split(separator: " ")
        guard fields.count >= 2, let first = Int(fields[0]), let last = Int(fields[1]) else { return nil }
        return PostcodeRange(first, last)
    }
}
