// gage-verify: the payment verification function. All of it lives in the GagePayments and GageNotify
// libraries; this file hands them the environment, answers, and then delivers what the answer's decision owes.
import GageLedger
import GageNotify
import GagePayments
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

let environment = ProcessInfo.processInfo.environment
let log = Log(enabled: environment["GAGE_VERIFY_QUIET"] == nil)
let settings = NotifySettings(values: (try? Configuration.settings(environment: environment)) ?? environment)
let notifier = Notifier(settings: settings, log: log)
let status = VerifyFunction.main(environment: environment, notifier: notifier)
// The answer is out and stdout closed: delivery can neither delay nor change the decision. What fails here
// stays in the outbox for `gage orders notify`.
if !notifier.touchedOrders.isEmpty {
    for problem in settings.problems { log.error("notifications: \(problem)") }
    if let name = environment["GAGE_LEDGER"] ?? (try? Configuration.settings(environment: environment))?["GAGE_LEDGER"],
       let location = try? LedgerLocation(name), let ledger = try? Ledger(location: location) {
        var courier = Courier(settings: settings, ledger: ledger)
        courier.log = log
        for impUID in notifier.touchedOrders.sorted() {
            do { _ = try courier.deliver(impUID: impUID) } catch { log.error("notifications: ledger: \(error.message)") }
        }
    }
}
exit(status)
