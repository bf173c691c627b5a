import ArgumentParser
import Foundation
import GageServe
import IamportSandbox
import PortOneSandbox

struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local stand-in for the Iamport REST API (no keys, no internet).",
        discussion: """
            Speaks the V1 wire format on 127.0.0.1: /users/getToken, /payments/{imp_uid}, /payments/find, \
            /payments/status, /payments/prepare, /payments/cancel. Test controls live under /__sandbox/: \
            POST /__sandbox/payments creates a payment in any state, POST /__sandbox/faults arms a fault \
            (error500, slow, garbage, close, unauthorized), GET /__sandbox/calls lists the calls it received.
            Point gage-verify at it with IAMPORT_API_URL=http://127.0.0.1:PORT.
            With --portone it speaks PortOne V2 instead: GET /payments/{paymentId}, /cancel, /pre-register, \
            /virtual-account/close, GET /payments, billing keys (GET/DELETE /billing-keys/{billingKey}, \
            POST /payments/{paymentId}/billing-key), schedules (POST /payments/{paymentId}/schedule, \
            GET/DELETE /payment-schedules) and GET /identity-verifications/{id}; POST /__sandbox/payments creates \
            a payment, POST /__sandbox/billing-keys issues a key, POST /__sandbox/identity-verifications records a \
            verification, POST /__sandbox/declines makes the next charges decline, POST /__sandbox/schedules/run \
            runs the scheduled charges, GET /__sandbox/webhooks/{paymentId}?type=Transaction.Paid hands out a \
            signed webhook. Point \
            gage-verify at it with PORTONE_API_URL, PORTONE_API_SECRET and PORTONE_WEBHOOK_SECRET.
            """)

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 8790

    @Option(help: "The REST API key it accepts.")
    var key = "sandbox_key"

    @Option(help: "The REST API secret it accepts.")
    var secret = "sandbox_secret"

    @Option(help: "Access-token lifetime in seconds (Iamport: 1800).")
    var tokenLifetime = 1800

    @Flag(help: "Stand in for the PortOne V2 API instead (Authorization: PortOne <secret>, signed webhooks).")
    var portone = false

    @Option(help: "With --portone: the V2 API secret it accepts.")
    var v2Secret = "sandbox_v2_secret"

    func run() async throws {
        do { try PortCheck.ensureFree(port) } catch { throw ValidationError(portTaken(error)) }
        if portone {
            let api = PortOneSandboxAPI(secret: v2Secret)
            let server = try SandboxServer(api: api, port: port)
            let task = Task { try await server.run() }
            try await server.waitUntilListening()
            let bound = await server.port ?? port
            FileHandle.standardOutput.write(Data(("PortOne V2 sandbox listening on http://127.0.0.1:\(bound) "
                + "(store \(api.storeID), webhook secret \(api.webhookSecret))\n").utf8))
            try await task.value
            return
        }
        let api = SandboxAPI(key: key, secret: secret)
        await api.setTokenLifetime(tokenLifetime)
        let server = try SandboxServer(api: api, port: port)
        let task = Task { try await server.run() }
        try await server.waitUntilListening()
        let bound = await server.port ?? port
        // Written unbuffered: scripts wait for this line to know the port.
        FileHandle.standardOutput.write(Data("Iamport sandbox listening on http://127.0.0.1:\(bound) (key \(key))\n".utf8))
        try await task.value
    }
}
