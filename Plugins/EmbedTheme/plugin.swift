import Foundation
import PackagePlugin

/// Embeds the repository's `templates/` folder (the default theme) into the target as Swift source,
/// so `gage` builds a shop that has no templates of its own. Re-runs whenever a theme file changes.
@main
struct EmbedTheme: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        // The notifications module carries only the theme's e-mails; the site builder carries all of it.
        let folder = target.name == "GageNotify" ? "templates/emails" : "templates"
        let themeDirectory = context.package.directoryURL.appending(path: folder)
        let output = context.pluginWorkDirectoryURL.appending(path: "DefaultTheme.generated.swift")
        let inputs = try themeFiles(under: themeDirectory)
        return [
            .buildCommand(
                displayName: "Embedding the default theme (\(inputs.count) files)",
                executable: try context.tool(named: "gage-embed-theme").url,
                arguments: [themeDirectory.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    private func themeFiles(under directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(
            at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}
