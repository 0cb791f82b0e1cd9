import Foundation
import Testing
@testable import MyGazCore

/// The PDF writer is proved by poppler's own tools: the text reads back, the font is embedded,
/// the page is A4, and the QR code drawn on it decodes from the rendered page.
@Suite struct PDFTests {
    static let fontDirectory = "/usr/share/fonts/truetype/dejavu"

    static func run(_ program: String, _ args: [String]) -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + program)
        process.arguments = args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func textFontsPageAndQRReadBackWithPoppler() throws {
        let regular = try TrueTypeFont(path: Self.fontDirectory + "/DejaVuSans.ttf", name: "DejaVuSans")
        let bold = try TrueTypeFont(path: Self.fontDirectory + "/DejaVuSans-Bold.ttf", name: "DejaVuSans-Bold")
        var page = PDFPage(fonts: [regular, bold])
        page.text("Счет-квитанция за ноябрь 2026 г.", x: 40, y: 60, size: 14, weight: .bold)
        page.text("Лицевой счет № 023-185952 · К оплате: 5 899,95 ₽ «ёлка»", x: 40, y: 90, size: 10)
        page.text("-5 899,95", x: 555, y: 120, size: 10, alignRight: true)
        page.line(from: (40, 130), to: (555, 130), dash: 3)
        page.box(x: 40, y: 140, width: 100, height: 20)
        let payment = "ST00012|Name=ООО «Газпром межрегионгаз Вологда»|PersonalAcc=40702810112345678901|Sum=589995"
        page.qr(try QRCode(bytes: Array(payment.utf8)), x: 400, y: 200, module: 2.5)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("page.pdf").path
        let bytes = page.render(title: "Счет-квитанция")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(bytes.count < 200_000, "a subset, not the whole font: \(bytes.count) bytes")

        let text = Self.run("pdftotext", ["-layout", file, "-"])
        #expect(text.status == 0)
        #expect(text.out.contains("Счет-квитанция за ноябрь 2026 г."), "\(text.out)")
        #expect(text.out.contains("Лицевой счет № 023-185952 · К оплате: 5 899,95 ₽ «ёлка»"), "\(text.out)")
        #expect(text.out.contains("-5 899,95"))
        let info = Self.info(file)
        #expect(info["Pages"] == "1" && info["Page size"]?.contains("(A4)") == true, "\(info)")
        #expect(info["Title"] == "Счет-квитанция", "\(info)")
        let fonts = Self.run("pdffonts", [file]).out.split(separator: "\n").dropFirst(2)
        #expect(fonts.count == 2, "\(fonts)")
        for line in fonts {
            #expect(line.contains("+DejaVuSans") && line.contains("CID TrueType") && line.contains("Identity-H"), "\(line)")
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns.suffix(5).prefix(3) == ["yes", "yes", "yes"], "embedded, subset, ToUnicode: \(line)")
        }
        let render = Self.run("pdftoppm", ["-r", "150", "-gray", "-png", file, dir.appendingPathComponent("page").path])
        #expect(render.status == 0)
        let png = try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasSuffix(".png") }
        let decoded = Self.run("zbarimg", ["--quiet", "--raw", "-Sbinary", dir.appendingPathComponent(try #require(png)).path])
        #expect(decoded.out.trimmingCharacters(in: .newlines) == payment)
    }

    /// pdfinfo's lines as key and value.
    static func info(_ file: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in run("pdfinfo", [file]).out.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    @Test func aFontThatIsNotOneIsRefused() {
        #expect(throws: TrueTypeFont.Failure.self) { try TrueTypeFont(bytes: Array("not a font at all, just words".utf8), name: "x") }
        #expect(throws: TrueTypeFont.Failure.missing("/nonexistent.ttf")) { try TrueTypeFont(path: "/nonexistent.ttf", name: "x") }
    }
}
