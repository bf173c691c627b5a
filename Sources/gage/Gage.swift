import ArgumentParser

@main
struct Gage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gage",
        abstract: "Gage (가게): a static shop generator with PortOne checkout (V2, and V1 Iamport).",
        version: "0.1.0",
        subcommands: [Build.self, Check.self, Serve.self, Doctor.self, Orders.self, Discounts.self, Subscriptions.self,
                      New.self, Init.self, Sandbox.self])

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        HiddenPasswords.hideInProcessArguments()
        await main(arguments)
    }
}
