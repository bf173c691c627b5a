/// A provider's failure put the way a seller can act on it: which setting to change, where, and what to run
/// then — instead of "the provider's API failed: HTTP 400". Used by the `gage` commands that call PortOne for the
/// seller (`orders ship`, `doctor`); the verify function's replies never carry upstream text.
public enum ProviderAdvice {
    /// What a command was doing when the provider said no.
    public enum Call: Sendable {
        /// Registering an escrow parcel (`POST /escrows/logis/{imp_uid}`): the sender is the shop (shop.yml's
        /// `business:`, deployed as emails.json), the receiver the buyer's order.
        case escrowDelivery
        /// Checking the API credentials (a token, or a lookup).
        case credentials
        case other
    }

    public static func explain(_ error: ProviderError, call: Call, korean: Bool) -> String {
        func say(_ ko: String, _ en: String) -> String { korean ? ko : en }
        switch error {
        case .unauthorized:
            return say("PortOne이 API 키를 받아들이지 않았습니다. PortOne 콘솔(결제 연동 → 식별코드·API Keys)에서 "
                       + "V1은 IAMPORT_API_KEY·IAMPORT_API_SECRET, V2는 PORTONE_API_SECRET 을 다시 복사해 넣으세요.",
                       "PortOne refused the API keys. Copy IAMPORT_API_KEY and IAMPORT_API_SECRET (V1) or "
                       + "PORTONE_API_SECRET (V2) again from the PortOne console (결제 연동 → 식별코드·API Keys).")
        case .notFound:
            return say("PortOne에 이 결제가 없습니다. 다른 상점의 API 키이거나 테스트·실 연동이 섞이지 않았는지 확인하세요.",
                       "PortOne has no such payment: check that the API keys belong to this shop's store, and that test "
                       + "and live settings are not mixed.")
        case let .refused(_, message):
            return advice(for: message, call: call, korean: korean)
                ?? say("PortOne이 요청을 거절했습니다: \(message)", "PortOne refused the request: \(message)")
        case let .unavailable(detail):
            // A 4xx with the provider's words is a refusal in all but name: explain it as one.
            if detail.hasPrefix("HTTP 4"), let colon = detail.firstIndex(of: ":") {
                let message = String(detail[detail.index(after: colon)...]).trimmingPrefix(while: \.isWhitespace)
                return advice(for: String(message), call: call, korean: korean)
                    ?? say("PortOne이 요청을 거절했습니다: \(message)", "PortOne refused the request: \(message)")
            }
            return say("PortOne API에 닿지 못했습니다 (\(detail)). 인터넷 연결과 IAMPORT_API_URL/PORTONE_API_URL 을 "
                       + "확인하고 다시 실행하세요.",
                       "PortOne's API could not be reached (\(detail)). Check the connection and IAMPORT_API_URL / "
                       + "PORTONE_API_URL, then run this again.")
        }
    }

    /// The escrow fields each provider message names, and where the seller fixes them.
    static func advice(for message: String, call: Call, korean: Bool) -> String? {
        guard call == .escrowDelivery else { return nil }
        let lowered = message.lowercased()
        let fields: [(words: [String], key: String, what: String)] = [
            (["postcode", "우편번호"], "postcode", "사업장 우편번호"), (["tel", "전화"], "phone", "전화번호"),
            (["addr", "주소"], "address", "사업장 주소"), (["name", "이름", "상호"], "name", "상호"),
        ]
        if lowered.contains("에스크로 결제건이 아닙니다") || lowered.contains("not an escrow") {
            return korean ? "PG가 이 결제를 에스크로 결제로 알지 못합니다 (\(message)). 배송 등록 없이 발송하려면 PG 관리자 "
                            + "화면에서 확인하세요."
                : "The PG does not know this payment as an escrow payment (\(message)); check it in the PG's admin."
        }
        guard let field = fields.first(where: { field in field.words.contains { lowered.contains($0) } }) else { return nil }
        return korean
            ? "에스크로 배송 등록에 \(field.what)이(가) 필요합니다 (PortOne: \(message)). 보내는 사람은 가게입니다: shop.yml 의 "
              + "business.\(field.key) 를 채우고 gage build 한 뒤 emails.json 을 함수 옆에 다시 배포하세요. 받는 사람 정보가 "
              + "비었다면 구매자의 주문(gage orders show)을 확인하세요."
            : "Escrow delivery registration needs the \(field.what) (PortOne: \(message)). The sender is the shop: fill in "
              + "business.\(field.key) in shop.yml, run gage build and deploy emails.json beside the function again. If the "
              + "receiver's is missing, look at the buyer's order (gage orders show)."
    }
}
