import Foundation
import GageLedger

/// A password in a `postgres://` URL given on the command line (`--ledger`, `--to`) would show in `ps` to every
/// user of the machine for as long as the command runs. After the arguments are copied for parsing, the
/// password's bytes in the process's own argument area — what `ps` and /proc/PID/cmdline read — are
/// overwritten with `*`, as the MySQL and PostgreSQL clients do with theirs.
enum HiddenPasswords {
    static func hideInProcessArguments() {
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            let text = String(cString: argument)
            guard let start = text.range(of: "postgres", options: .caseInsensitive)?.lowerBound else { continue }
            let url = String(text[start...])
            let offset = text.utf8.distance(from: text.startIndex, to: start)
            for range in LedgerLocation.passwordRanges(in: url) {
                let from = offset + url.utf8.distance(from: url.startIndex, to: range.lowerBound)
                let count = url.utf8.distance(from: range.lowerBound, to: range.upperBound)
                for byte in from..<(from + count) { argument[byte] = CChar(UInt8(ascii: "*")) }
            }
        }
    }
}
