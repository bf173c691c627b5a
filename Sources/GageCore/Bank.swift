/// Korean banks as refunds name them: the 금융결제원 code V1 takes (`refund_bank: "004"`), the `Bank` enum V2 takes
/// (`refundAccount.bank: "KOOKMIN"`), and the name a person reads.
public struct Bank: Sendable, Equatable {
    public var code: String
    public var portone: String
    public var name: String

    public static let all: [Bank] = [
        Bank(code: "002", portone: "KDB", name: "산업은행"), Bank(code: "003", portone: "IBK", name: "기업은행"),
        Bank(code: "004", portone: "KOOKMIN", name: "국민은행"), Bank(code: "007", portone: "SUHYUP", name: "수협은행"),
        Bank(code: "011", portone: "NONGHYUP", name: "농협은행"), Bank(code: "012", portone: "LOCAL_NONGHYUP", name: "지역농축협"),
        Bank(code: "020", portone: "WOORI", name: "우리은행"), Bank(code: "023", portone: "STANDARD_CHARTERED", name: "SC제일은행"),
        Bank(code: "027", portone: "CITI", name: "한국씨티은행"), Bank(code: "031", portone: "DAEGU", name: "아이엠뱅크"),
        Bank(code: "032", portone: "BUSAN", name: "부산은행"), Bank(code: "034", portone: "KWANGJU", name: "광주은행"),
        Bank(code: "035", portone: "JEJU", name: "제주은행"), Bank(code: "037", portone: "JEONBUK", name: "전북은행"),
        Bank(code: "039", portone: "KYONGNAM", name: "경남은행"), Bank(code: "045", portone: "KFCC", name: "새마을금고"),
        Bank(code: "048", portone: "SHINHYUP", name: "신협"), Bank(code: "050", portone: "SAVINGS_BANK", name: "저축은행"),
        Bank(code: "071", portone: "POST", name: "우체국"), Bank(code: "081", portone: "HANA", name: "하나은행"),
        Bank(code: "088", portone: "SHINHAN", name: "신한은행"), Bank(code: "089", portone: "K_BANK", name: "케이뱅크"),
        Bank(code: "090", portone: "KAKAO", name: "카카오뱅크"), Bank(code: "092", portone: "TOSS", name: "토스뱅크"),
        // The rest of the official V2 OpenAPI's `Bank` enum, with its Korean titles, so a V2 virtual account from
        // any of them is shown by name (issue 38). Their 금융결제원 code is not verified here, so it is left empty:
        // such a bank can be shown, not named for a V1 refund.
        Bank(code: "", portone: "BANK_OF_CHINA", name: "중국은행"),
        Bank(code: "", portone: "HANYANG_SECURITIES", name: "한양증권"),
        Bank(code: "", portone: "SK_SECURITIES", name: "SK증권"),
        Bank(code: "", portone: "HANA_SECURITIES", name: "하나증권"),
        Bank(code: "", portone: "KB_SECURITIES", name: "KB증권"),
        Bank(code: "", portone: "WOORI_INVESTMENT_BANK", name: "우리종합금융"),
        Bank(code: "", portone: "SHINYOUNG_SECURITIES", name: "신영증권"),
        Bank(code: "", portone: "KOREA_SECURITIES", name: "한국투자증권"),
        Bank(code: "", portone: "LEADING_SECURITIES", name: "리딩투자증권"), Bank(code: "", portone: "UOB", name: "대화은행"),
        Bank(code: "", portone: "KOREA_FOSS_SECURITIES", name: "한국포스증권"),
        Bank(code: "", portone: "MERITZ_SECURITIES", name: "메리츠증권"), Bank(code: "", portone: "MIZUHO", name: "미즈호은행"),
        Bank(code: "", portone: "EBEST_SECURITIES", name: "LS증권"),
        Bank(code: "", portone: "SANGSANGIN_SECURITIES", name: "상상인증권"),
        Bank(code: "", portone: "DEUTSCHE", name: "도이치은행"), Bank(code: "", portone: "KCIS", name: "한국신용정보원"),
        Bank(code: "", portone: "KEXIM", name: "수출입은행"), Bank(code: "", portone: "CCB", name: "중국건설은행"),
        Bank(code: "", portone: "TOSS_SECURITIES", name: "토스증권"),
        Bank(code: "", portone: "IBK_SECURITIES", name: "IBK투자증권"),
        Bank(code: "", portone: "SHINHAN_SECURITIES", name: "신한투자증권"),
        Bank(code: "", portone: "HANHWA_SECURITIES", name: "한화투자증권"),
        Bank(code: "", portone: "SAMSUNG_SECURITIES", name: "삼성증권"),
        Bank(code: "", portone: "DB_SECURITIES", name: "DB금융투자"), Bank(code: "", portone: "SGI", name: "서울보증보험"),
        Bank(code: "", portone: "MIRAE_ASSET_SECURITIES", name: "미래에셋증권"),
        Bank(code: "", portone: "EUGENE_SECURITIES", name: "유진투자증권"),
        Bank(code: "", portone: "BNK_SECURITIES", name: "BNK투자증권"),
        Bank(code: "", portone: "KAKAO_PAY_SECURITIES", name: "카카오페이증권"),
        Bank(code: "", portone: "CAPE_SECURITIES", name: "케이프투자증권"),
        Bank(code: "", portone: "BNP_PARIBAS", name: "비엔피파리바은행"),
        Bank(code: "", portone: "KOREA_SECURITIES_FINANCE", name: "한국증권금융"),
        Bank(code: "", portone: "KODIT", name: "신용보증기금"), Bank(code: "", portone: "BOCOM", name: "교통은행"),
        Bank(code: "", portone: "DAOL_SECURITIES", name: "다올투자증권"), Bank(code: "", portone: "NFCF", name: "산림조합중앙회"),
        Bank(code: "", portone: "HSBC", name: "HSBC은행"), Bank(code: "", portone: "ICBC", name: "중국공상은행"),
        Bank(code: "", portone: "HYUNDAI_MOTOR_SECURITIES", name: "현대차증권"),
        Bank(code: "", portone: "BANK_OF_AMERICA", name: "BOA은행"),
        Bank(code: "", portone: "BANK_OF_KOREA", name: "한국은행"),
        Bank(code: "", portone: "HI_SECURITIES", name: "하이투자증권"), Bank(code: "", portone: "KIBO", name: "기술보증기금"),
        Bank(code: "", portone: "KIWOOM_SECURITIES", name: "키움증권"),
        Bank(code: "", portone: "NH_SECURITIES", name: "NH투자증권"),
        Bank(code: "", portone: "MORGAN_STANLEY", name: "모간스탠리은행"),
        Bank(code: "", portone: "BOOKOOK_SECURITIES", name: "부국증권"),
        Bank(code: "", portone: "MISC_FOREIGN", name: "기타 외국계은행(중국 농업은행 등)"),
        Bank(code: "", portone: "YUANTA_SECURITIES", name: "유안타증권"),
        Bank(code: "", portone: "DAISHIN_SECURITIES", name: "대신증권"), Bank(code: "", portone: "MUFG", name: "엠유에프지은행"),
        Bank(code: "", portone: "JPMC", name: "제이피모간체이스은행"),
        Bank(code: "", portone: "KYOBO_SECURITIES", name: "교보증권"),
    ]

    /// A bank by its code (`004`, `4`), its V2 name (`KOOKMIN`) or its Korean name (`국민은행`).
    public static func named(_ text: String) -> Bank? {
        let wanted = text.trimmingPrefix(while: \.isWhitespace)
        if let number = Int(wanted) { return all.first { Int($0.code) == number } }
        return all.first { $0.portone == wanted.uppercased() || $0.name == wanted }
    }
}
