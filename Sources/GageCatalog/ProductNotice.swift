import GageCore
import Yams

/// 상품정보제공고시: the product facts Korean e-commerce law (공정거래위원회 고시) requires for each product group,
/// written by the author as `notice:` and shown as a table in the author's order.
public struct ProductNotice: Sendable, Equatable {
    /// The 고시's product group as written (`가공식품`), if given.
    public var type: String?
    /// Label and value, in the order written.
    public var rows: [Row]

    public struct Row: Sendable, Equatable {
        public var label: String
        public var value: String
    }

    public init(type: String?, rows: [Row]) {
        self.type = type
        self.rows = rows
    }
}

/// What the 고시 requires of a product group, and how to recognise each field among the author's labels.
public struct NoticeGroup: Sendable {
    /// The group's name as the 고시 writes it, and other names authors use for it.
    public var names: [String]
    /// Required fields, each with its 고시 label and words any one of which, found in a label, satisfies it.
    public var required: [(label: String, matches: [String])]

    public var name: String { names[0] }

    /// The groups whose required fields Gage checks (fields that apply only to some products, such as
    /// 영양성분 "표시대상 식품에 한함" or the 수입식품 statement, are not demanded).
    public static let checked: [NoticeGroup] = [
        NoticeGroup(names: ["가공식품"], required: [
            ("제품명", ["제품명", "상품명"]),
            ("식품의 유형", ["식품의유형", "식품유형"]),
            ("생산자 및 소재지", ["생산자", "제조원", "제조자", "제조업소", "수입자"]),
            ("제조연월일", ["제조연월일", "제조일"]),
            ("소비기한 또는 품질유지기한", ["소비기한", "품질유지기한", "유통기한"]),
            ("포장 단위별 내용물의 용량(중량), 수량", ["용량", "중량", "내용량"]),
            ("원재료명 및 함량", ["원재료"]),
            ("소비자안전을 위한 주의사항", ["주의사항"]),
            ("소비자상담 관련 전화번호", ["전화번호", "소비자상담"]),
        ]),
        NoticeGroup(names: ["농수축산물", "농축수산물", "식품(농·축·수산물)", "식품(농수축산물)", "농산물", "수산물", "축산물"],
                    required: [
            ("품목 또는 명칭", ["품목", "명칭", "제품명", "상품명"]),
            ("포장단위별 용량(중량), 수량, 크기", ["용량", "중량", "수량", "크기"]),
            ("생산자", ["생산자", "수입자"]),
            ("원산지", ["원산지"]),
            ("제조연월일(포장일 또는 생산연도)", ["제조연월일", "포장일", "생산연도", "생산일"]),
            ("소비기한 또는 품질유지기한", ["소비기한", "품질유지기한", "유통기한"]),
            ("상품구성", ["상품구성", "구성"]),
            ("보관방법 또는 취급방법", ["보관", "취급"]),
            ("소비자상담 관련 전화번호", ["전화번호", "소비자상담"]),
        ]),
        NoticeGroup(names: ["의류"], required: [
            ("제품 소재", ["소재", "혼용률"]),
            ("색상", ["색상", "컬러"]),
            ("치수", ["치수", "사이즈"]),
            ("제조자", ["제조자", "제조사", "수입자"]),
            ("제조국", ["제조국", "원산지"]),
            ("세탁방법 및 취급 시 주의사항", ["세탁"]),
            ("제조연월", ["제조연월"]),
            ("품질보증기준", ["품질보증"]),
            ("A/S 책임자와 전화번호", ["a/s", "as책임자", "전화번호"]),
        ]),
        NoticeGroup(names: ["화장품"], required: [
            ("용량 또는 중량", ["용량", "중량"]),
            ("제품 주요 사양", ["주요사양", "사양"]),
            ("사용기한 또는 개봉 후 사용기간", ["사용기한", "사용기간"]),
            ("사용방법", ["사용방법"]),
            ("화장품제조업자 및 화장품책임판매업자", ["제조업자", "책임판매업자", "제조자"]),
            ("제조국", ["제조국", "원산지"]),
            ("화장품법에 따라 기재해야 하는 모든 성분", ["성분"]),
            ("기능성 화장품 심사 필 유무", ["기능성"]),
            ("사용할 때의 주의사항", ["주의사항"]),
            ("품질보증기준", ["품질보증"]),
            ("소비자상담 전화번호", ["전화번호", "소비자상담"]),
        ]),
        NoticeGroup(names: ["주방용품"], required: [
            ("품명 및 모델명", ["품명", "모델명", "제품명", "상품명"]),
            ("재질", ["재질", "소재"]),
            ("구성품", ["구성"]),
            ("크기", ["크기", "용량", "치수", "사이즈"]),
            ("제조자(수입품은 수입자 병기)", ["제조자", "제조사", "수입자", "제조원"]),
            ("제조국", ["제조국", "원산지"]),
            ("품질보증기준", ["품질보증"]),
            ("A/S 책임자와 전화번호", ["a/s", "as책임자", "전화번호"]),
        ]),
        NoticeGroup(names: ["기타 재화", "기타재화", "기타"], required: [
            ("품명 및 모델명", ["품명", "모델명", "제품명", "상품명"]),
            ("제조국(원산지)", ["제조국", "원산지"]),
            ("제조자(수입품은 수입자 병기)", ["제조자", "제조사", "수입자", "제조원"]),
            ("소비자상담 관련 전화번호", ["전화번호", "소비자상담", "a/s"]),
        ]),
    ]

    /// Every product group of the 고시 (재화 and 용역), so a group Gage does not check is still recognised.
    public static let allNames: [String] = [
        "의류", "구두/신발", "가방", "패션잡화", "침구류/커튼", "가구", "영상가전", "가정용 전기제품", "계절가전", "사무용기기",
        "광학기기", "소형전자", "휴대폰", "내비게이션", "자동차용품", "의료기기", "주방용품", "화장품", "귀금속/보석/시계류",
        "농수축산물", "가공식품", "건강기능식품", "영유아용품", "악기", "스포츠용품", "서적", "생활화학제품", "살생물제품",
        "기타 재화", "호텔/펜션 예약", "여행패키지", "항공권", "자동차 대여", "물품대여", "디지털 콘텐츠", "상품권/쿠폰",
        "모바일 쿠폰", "영화/공연", "기타 용역",
    ]

    /// The checked group for `type`, compared without spaces.
    public static func checkedGroup(for type: String) -> NoticeGroup? {
        let key = compact(type)
        return checked.first { $0.names.contains { compact($0) == key } }
    }

    public static func isKnown(_ type: String) -> Bool {
        let key = compact(type)
        return checkedGroup(for: type) != nil || allNames.contains { compact($0) == key }
    }

    /// The 고시 labels of required fields that none of `labels` covers.
    public func missingFields(among labels: [String]) -> [String] {
        let written = labels.map(Self.compact)
        return required.filter { field in
            !written.contains { label in field.matches.contains { label.contains(Self.compact($0)) } }
        }.map(\.label)
    }

    /// Lower-cased, without spaces and the dots authors put between words: `식품의 유형` = `식품의유형`.
    static func compact(_ text: String) -> String {
        String(text.lowercased().filter { !$0.isWhitespace && $0 != "·" && $0 != "ㆍ" && $0 != "." })
    }
}

extension ProductNotice {
    /// Reads `notice:`: a set of `label: value` lines, `type` naming the 고시's group. Values are single texts,
    /// numbers, yes/no (shown as 예/아니오), or lists (joined with commas).
    static func decode(_ fields: YAMLFields) -> ProductNotice? {
        guard let node = fields.value("notice") else { return nil }
        guard case let .mapping(mapping) = node else {
            fields.log.error(line: fields.line(of: node), "'notice' must be a set of 'label: value' lines",
                             hint: "write notice:\n    type: 가공식품\n    제품명: …")
            return nil
        }
        var notice = ProductNotice(type: nil, rows: [])
        for (key, value) in mapping {
            let label = key.string ?? ""
            guard let text = Self.text(of: value) else {
                fields.log.error(line: fields.line(of: value), "notice '\(label)' must be text or a list of texts",
                                 hint: "write it on one line, e.g. \(label): 국내산")
                continue
            }
            if label == "type" {
                notice.type = text
            } else if text.trimmingWhitespace().isEmpty {
                fields.log.error(line: fields.line(of: key), "notice '\(label)' is empty",
                                 hint: "write the fact, or '상세페이지 참조' if the description gives it")
            } else {
                notice.rows.append(Row(label: label, value: text))
            }
        }
        return notice
    }

    private static func text(of node: Node) -> String? {
        switch node {
        case .scalar:
            if node.tagName == .bool, let flag = node.bool { return flag ? "예" : "아니오" }
            return node.tagName == .null ? "" : node.string
        case let .sequence(items):
            let texts = items.compactMap { item -> String? in
                guard case .scalar = item else { return nil }
                return item.string
            }
            return texts.count == items.count ? texts.joined(separator: ", ") : nil
        default:
            return nil
        }
    }
}
