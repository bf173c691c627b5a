/// The Korean parcel carriers a seller ships with: what `gage orders ship --carrier` accepts, the name buyers
/// know, where a buyer follows a parcel, and the company code Iamport's escrow delivery registration takes.
public struct Carrier: Sendable, Equatable {
    public var code: String
    public var name: String
    /// The carrier's public tracking page with `{tracking}` where the waybill number goes.
    public var trackingURL: String
    /// `logis.company` of `POST /escrows/logis/{imp_uid}`.
    public var escrowCode: String

    public static let all: [Carrier] = [
        Carrier(code: "cj", name: "CJ대한통운",
                trackingURL: "https://trace.cjlogistics.com/next/tracking.html?wblNo={tracking}", escrowCode: "CJGLS"),
        Carrier(code: "hanjin", name: "한진택배",
                trackingURL: "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={tracking}",
                escrowCode: "HANJIN"),
        Carrier(code: "lotte", name: "롯데택배",
                trackingURL: "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={tracking}",
                escrowCode: "HYUNDAI"),
        Carrier(code: "epost", name: "우체국택배",
                trackingURL: "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={tracking}",
                escrowCode: "EPOST"),
        Carrier(code: "logen", name: "로젠택배",
                trackingURL: "https://www.ilogen.com/web/personal/trace/{tracking}", escrowCode: "KGB"),
        Carrier(code: "kdexp", name: "경동택배",
                trackingURL: "https://kdexp.com/service/delivery/etc/delivery.do?barcode={tracking}", escrowCode: "KDEXP"),
        Carrier(code: "daesin", name: "대신택배",
                trackingURL: "https://www.ds3211.co.kr/freight/internalFreightSearch.ht?billno={tracking}",
                escrowCode: "DAESIN"),
        Carrier(code: "ilyang", name: "일양로지스",
                trackingURL: "https://www.ilyanglogis.com/functionality/card_form_waybill.asp?hawb_no={tracking}",
                escrowCode: "ILYANG"),
        Carrier(code: "cvsnet", name: "GS Postbox 택배",
                trackingURL: "https://www.cvsnet.co.kr/invoice/tracking.do?invoice_no={tracking}", escrowCode: "CVSNET"),
        Carrier(code: "cupost", name: "CU 편의점택배",
                trackingURL: "https://www.cupost.co.kr/postbox/delivery/localResult.cupost?invoice_no={tracking}",
                escrowCode: "ETC"),
    ]

    /// The carrier for a code as a seller types it (`CJ`, `cj`), or nil.
    public static func named(_ code: String) -> Carrier? {
        let wanted = code.lowercased()
        return all.first { $0.code == wanted }
    }

    /// The tracking page of one parcel. Waybill numbers are digits (and sometimes dashes); anything else is
    /// dropped so that a typo cannot make the link point elsewhere.
    public func trackingLink(_ tracking: String) -> String {
        let number = String(tracking.unicodeScalars.filter { ("0"..."9").contains($0) || $0 == "-" }.map(Character.init))
        return trackingURL.replacing("{tracking}", with: number)
    }
}
