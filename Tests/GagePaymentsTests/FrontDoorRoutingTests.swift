import Testing
@testable import GagePayments

/// Every front door picks the action the same way: CGI's PATH_INFO and the OpenFaaS watchdog's Http_Path name
/// it by path; provider refusals reach the seller as what to fix.
@Suite struct FrontDoorRoutingTests {
    @Test(arguments: [("", Action.verify), ("/", .verify), ("/verify", .verify), ("/verify/", .verify),
                      ("/webhook", .webhook), ("/prepare", .prepare), ("/identity", .identity), ("/order", .order),
                      ("/subscribe", .subscribe), ("/subscription//", .subscription), ("/confirm", .confirm)])
    func paths_name_their_action(path: String, action: Action) {
        #expect(Action(path: path) == action)
    }

    @Test(arguments: ["/refund", "/order/x", "order", "/function/gage-verify/order", "/ORDER", "/webhook?x=1"])
    func any_other_path_names_none(path: String) {
        #expect(Action(path: path) == nil)
    }

    @Test func only_verify_and_subscription_take_a_get() {
        let withGet = [Action.verify, .webhook, .prepare, .identity, .order, .subscribe, .subscription, .confirm]
            .filter { $0.allowedMethods.contains("GET") }
        #expect(withGet == [.verify, .subscription])
    }

    @Test func the_watchdogs_environment_is_an_http_request_and_a_plain_run_is_not() {
        let request = WatchdogRequest(environment: ["Http_Method": "get", "Http_Path": "/verify",
                                                    "Http_Query": "paymentId=x", "Http_Content_Type": "text/plain"])
        #expect(request?.method == "GET" && request?.path == "/verify" && request?.query == "paymentId=x")
        #expect(request?.contentType == "text/plain")
        #expect(WatchdogRequest(environment: ["PATH": "/usr/bin"]) == nil)
        #expect(WatchdogRequest(environment: ["Http_Method": "POST"])?.path == nil)
    }

    @Test func a_refused_escrow_sender_field_names_the_shop_yml_key() {
        let advice = ProviderAdvice.explain(.unavailable("HTTP 400: postcode 는 필수입니다."), call: .escrowDelivery, korean: true)
        #expect(advice.contains("business.postcode") && advice.contains("postcode 는 필수입니다."))
        #expect(!advice.contains("HTTP 400"))
        let english = ProviderAdvice.explain(.refused(code: -1, message: "tel is required"), call: .escrowDelivery, korean: false)
        #expect(english.contains("business.phone"))
    }

    @Test func refused_keys_and_an_unreachable_api_say_where_to_look() {
        #expect(ProviderAdvice.explain(.unauthorized, call: .credentials, korean: true).contains("PORTONE_API_SECRET"))
        let down = ProviderAdvice.explain(.unavailable("timed out"), call: .credentials, korean: false)
        #expect(down.contains("timed out") && down.contains("PORTONE_API_URL"))
        // A refusal the advice has no rule for still carries PortOne's own words.
        let other = ProviderAdvice.explain(.refused(code: 0, message: "INVALID_REQUEST: amount"), call: .other, korean: true)
        #expect(other.contains("INVALID_REQUEST: amount"))
    }
}
