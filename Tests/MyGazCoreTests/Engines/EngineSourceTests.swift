import Foundation
import Testing

@Suite struct EngineSourceTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    @Test func onlyThePostgreSQLEngineImportsLibpq() throws {
        let files = FileManager.default.enumerator(atPath: Self.sources.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        var importers: [String] = []
        for file in files {
            let text = try String(contentsOfFile: Self.sources.path + "/" + file, encoding: .utf8)
            if text.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("import CLibpq") }) {
                importers.append(file)
            }
        }
        #expect(!importers.isEmpty, "the PostgreSQL engine imports CLibpq")
        for file in importers {
            #expect(file.hasPrefix("MyGazCore/Engines/PostgreSQL/"), "\(file) imports CLibpq outside the PostgreSQL engine's folder")
        }
    }
}
