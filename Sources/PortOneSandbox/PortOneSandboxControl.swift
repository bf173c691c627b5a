import Foundation
import GageWebhooks
import IamportSandbox

/// The stand-in's control API (tests and `gage serve --sandbox`), under `/__sandbox/`:
/// - `POST /__sandbox/payments` creates a payment in any state (`status` `PAID` by default). A paid payment for
///   another amount than the pre-registered one is `FAILED`, as the PG refuses it.
/// - `GET /__sandbox/payments` lists every payment, oldest first, as `GET /payments/{id}` renders it.
/// - `POST /__sandbox/payments/{id}/pay` approves an open (READY, PAY_PENDING) payment, `…/fail` fails it (the
///   shop's confirm URL refused it); `…/deposit` pays an issued virtual account; `…/cancel` `{amount?, reason?}`
///   cancels from the console (in part or in full).
/// - `GET /__sandbox/webhooks/{id}?type=Transaction.Paid` and `GET /__sandbox/confirm/{id}` hand out a signed
///   delivery `{headers, body}` about the payment, as PortOne would send it.
/// - billing keys, schedules, declines and identity verifications: see PortOneSandboxBilling.swift.
/// - `POST /__sandbox/faults` arms a fault; `GET /__sandbox/calls` lists the API calls received;
///   `GET /__sandbox/config` tells the secret, store id and webhook secret.
extension PortOneSandboxAPI {
    func control(method: String, path: String, query: [String: String], body: Data) -> SandboxResponse {
        let request = RouteMatcher(method: method, parts: path.split(separator: "/").map(String.init))
        if request.match("GET", "__sandbox/config") != nil {
            return Self.json(["secret": secret, "store_id": storeID, "webhook_secret": webhookSecret])
        }
        if request.match("GET", "__sandbox/calls") != nil { return Self.json(calls) }
        if request.match("POST", "__sandbox/faults") != nil {
            guard let fault = try? JSONDecoder().decode(SandboxFault.self, from: body) else {
                return Self.error(400, "INVALID_REQUEST", "fault: {kind, count?, seconds?, path_prefix?}")
            }
            faults.arm(fault)
            return Self.json(["armed": fault.kind])
        }
        if request.match("GET", "__sandbox/faults") != nil {
            guard let data = try? JSONEncoder().encode(faults.pending) else { return Self.json([String]()) }
            return SandboxResponse(status: 200, body: data)
        }
        if request.match("DELETE", "__sandbox/faults") != nil {
            faults.removeAll()
            return Self.json(["cleared": true])
        }
        if request.match("POST", "__sandbox/payments") != nil { return create(body) }
        if request.match("GET", "__sandbox/payments") != nil { return Self.json(order.compactMap { payments[$0] }.map(render)) }
        if let p = request.match("POST", "__sandbox/payments/*/pay") { return move(p[0], from: ["READY", "PAY_PENDING"]) }
        if let p = request.match("POST", "__sandbox/payments/*/deposit") { return move(p[0], from: ["VIRTUAL_ACCOUNT_ISSUED"]) }
        if let p = request.match("POST", "__sandbox/payments/*/fail") { return fail(p[0]) }
        if let p = request.match("POST", "__sandbox/payments/*/cancel") { return consoleCancel(p[0], body: body) }
        if let p = request.match("GET", "__sandbox/webhooks/*") {
            return signedDelivery(type: query["type"] ?? "Transaction.Paid", paymentID: p[0], query: query)
        }
        if let p = request.match("GET", "__sandbox/confirm/*") {
            return signedDelivery(type: "Transaction.Confirm", paymentID: p[0], query: query)
        }
        if let answer = billingControl(request, query: query, body: body) { return answer }
        return Self.error(404, "NOT_FOUND", "no such control endpoint")
    }

    private func create(_ body: Data) -> SandboxResponse {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
              let id = object["id"] as? String, !id.isEmpty, let amount = object["amount"] as? Int else {
            return Self.error(400, "INVALID_REQUEST", "a payment needs at least id and amount")
        }
        if let existing = payments[id], existing.status != "READY" && existing.status != "FAILED" {
            return Self.error(409, "ALREADY_PAID", "이미 결제된 결제 건입니다.")
        }
        var status = object["status"] as? String ?? "PAID"
        if let registered = preRegistered[id], registered != amount, status != "READY" { status = "FAILED" }
        let customData: String?
        if let text = object["custom_data"] as? String {
            customData = text
        } else if let value = object["custom_data"], !(value is NSNull),
                  let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
            customData = String(decoding: data, as: UTF8.self)
        } else {
            customData = nil
        }
        sequence += 1
        let now = clock()
        var payment = V2Payment(
            id: id, transactionID: String(format: "0193%04x-sand-4box-8000-%012d", sequence % 0xFFFF, sequence),
            status: status, total: amount, method: object["method"] as? String ?? "CARD",
            channelKey: object["channel_key"] as? String ?? "channel-key-sandbox-card",
            pgProvider: object["pg_provider"] as? String ?? "INICIS_V2",
            storeID: object["store_id"] as? String ?? storeID, orderName: object["order_name"] as? String ?? "주문",
            customData: customData, currency: object["currency"] as? String ?? "KRW",
            customer: (object["customer"] as? [String: String]) ?? [:],
            requestedAt: object["requested_at"] as? Int ?? now,
            paidAt: status == "PAID" ? now : nil, vbankDue: object["vbank_due"] as? Int,
            easyPayProvider: object["easy_pay_provider"] as? String)
        if let bank = object["vbank_bank"] as? String { payment.vbankBank = bank }
        payment.taxFree = object["tax_free"] as? Int ?? 0
        payment.billingKey = object["billing_key"] as? String
        if payments[id] == nil { order.append(id) }
        payments[id] = payment
        return Self.json(render(payment))
    }

    private func move(_ id: String, from: Set<String>) -> SandboxResponse {
        guard var payment = payments[id] else { return Self.notFound() }
        guard from.contains(payment.status) else {
            return Self.error(409, "INVALID_PAYMENT_STATUS", "\(payment.status) cannot be paid")
        }
        if let registered = preRegistered[id], registered != payment.total {
            payment.status = "FAILED"
        } else {
            payment.status = "PAID"
            payment.paidAt = clock()
        }
        payments[id] = payment
        return Self.json(render(payment))
    }

    private func fail(_ id: String) -> SandboxResponse {
        guard var payment = payments[id], payment.status == "READY" || payment.status == "PAY_PENDING" else {
            return Self.error(409, "INVALID_PAYMENT_STATUS", "only an open payment can fail")
        }
        payment.status = "FAILED"
        payments[id] = payment
        return Self.json(render(payment))
    }

    private func consoleCancel(_ id: String, body: Data) -> SandboxResponse {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        guard var payment = payments[id], payment.status == "PAID" || payment.status == "PARTIAL_CANCELLED" else {
            return Self.error(409, "PAYMENT_NOT_PAID", "결제가 완료되지 않았습니다.")
        }
        let left = payment.total - payment.cancelled
        let amount = min(object["amount"] as? Int ?? left, left)
        // The console cancels the tax-free part in proportion unless told (`tax_free`); all that is left, all of it.
        let taxFreeLeft = payment.taxFree - payment.cancelledTaxFree
        let taxFree = amount == left ? taxFreeLeft
            : min(object["tax_free"] as? Int ?? (left > 0 ? amount * taxFreeLeft / left : 0), taxFreeLeft, amount)
        _ = applyCancel(&payment, amount: amount, reason: object["reason"] as? String ?? "판매자 취소", taxFree: taxFree)
        payments[id] = payment
        return Self.json(render(payment))
    }

    /// A delivery signed with the webhook secret: `timestamp` (Unix seconds, default now) and `webhook_id` may be
    /// chosen, to make stale or replayed deliveries.
    func signedDelivery(type: String, paymentID: String, query: [String: String]) -> SandboxResponse {
        let payment = payments[paymentID]
        let timestamp = query["timestamp"] ?? String(clock())
        var data: [String: Any] = ["storeId": payment?.storeID ?? storeID, "paymentId": paymentID]
        if let payment { data["transactionId"] = payment.transactionID }
        if type == "Transaction.Confirm" { data["totalAmount"] = payment?.total ?? 0 }
        if type.hasSuffix("Cancelled"), let last = payment?.cancellations.last { data["cancellationId"] = last.id }
        let eventTime = Self.rfc3339(Int(timestamp) ?? clock())
        guard let body = try? JSONSerialization.data(withJSONObject: ["type": type, "timestamp": eventTime, "data": data],
                                                     options: [.sortedKeys]),
              let key = StandardWebhook.key(secret: webhookSecret) else {
            return Self.error(500, "INTERNAL", "cannot sign")
        }
        sequence += 1
        let id = query["webhook_id"] ?? String(format: "msg_sandbox%08d", sequence)
        let signature = StandardWebhook.sign(id: id, timestamp: timestamp, body: Array(body), key: key)
        return Self.json(["headers": ["webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature],
                          "body": String(decoding: body, as: UTF8.self)])
    }
}
