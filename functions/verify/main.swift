// gage-verify: the payment verification function. All of it lives in the GagePayments library; this file
// only hands it the environment and exits with its status.
import GagePayments
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

exit(VerifyFunction.main(environment: ProcessInfo.processInfo.environment))
