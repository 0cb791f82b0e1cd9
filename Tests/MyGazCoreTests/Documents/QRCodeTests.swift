import Foundation
import Testing
@testable import MyGazCore

/// The QR encoder is proved by a real reader: zbarimg (zbar-tools) decodes what we draw.
@Suite struct QRCodeTests {
    /// The symbol as a PGM image, `scale` pixels a module, with the four-module quiet zone.
    static func pgm(_ code: QRCode, scale: Int = 4) -> [UInt8] {
        let side = (code.size + 8) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code.modules[y][x] {
                for dy in 0..<scale { for dx in 0..<scale { pixels[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = 0 } }
            }
        }
        return Array("P5\n\(side) \(side)\n255\n".utf8) + pixels
    }

    /// What zbarimg reads from the image, or nil when it finds no code.
    static func decode(_ code: QRCode) throws -> String? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("code.pgm")
        try Data(pgm(code)).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--quiet", "--raw", "-Sbinary", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        var text = String(decoding: out, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    @Test(arguments: [1, 17, 60, 140, 300, 420, 700])
    func zbarReadsBackWhatWasEncoded(length: Int) throws {
        let alphabet = Array("ST00012|Name=ООО «Газпром межрегионгаз Вологда»|PersonalAcc=40702810112345678901|0123456789".utf8)
        let bytes = (0..<length).map { alphabet[($0 * 7 + length) % alphabet.count] }
        // keep whole UTF-8 characters: cut at a boundary
        var text = String(decoding: bytes, as: UTF8.self)
        while text.utf8.count > length || text.hasSuffix("\u{FFFD}") { text.removeLast() }
        let code = try QRCode(bytes: Array(text.utf8))
        #expect(code.size == code.version * 4 + 17)
        #expect(try Self.decode(code) == text, "version \(code.version), mask \(code.mask)")
    }

    @Test func everyMaskReads() throws {
        for mask in 0..<8 {
            let code = try QRCode(bytes: Array("ST00012|Name=Тест|Sum=12345".utf8), mask: mask)
            #expect(code.mask == mask)
            #expect(try Self.decode(code) == "ST00012|Name=Тест|Sum=12345", "mask \(mask)")
        }
    }

    @Test func theMaskWithTheLowestPenaltyIsChosen() throws {
        let bytes = Array("ST00012|Name=ООО «Газпром межрегионгаз Вологда»|PersonalAcc=40702810112345678901|Sum=589995".utf8)
        let chosen = try QRCode(bytes: bytes)
        let penalties = try (0..<8).map { try QRCode(bytes: bytes, mask: $0).penalty() }
        #expect(chosen.penalty() == penalties.min(), "\(penalties), chose \(chosen.mask)")
        #expect(penalties[chosen.mask] == penalties.min())
    }

    @Test func capacityOfLevelMAsTheStandardTabulates() {
        // ISO/IEC 18004 table 7, level M, byte mode
        for (version, bytes) in [(1, 14), (2, 26), (7, 122), (10, 213), (13, 331), (20, 666), (40, 2331)] {
            #expect(QRCode.fits(bytes, version) && !QRCode.fits(bytes + 1, version), "version \(version)")
        }
        #expect(throws: QRCode.Failure.tooLong(bytes: 3000, max: 2331)) { try QRCode(bytes: Array(repeating: 65, count: 3000)) }
    }

    @Test func alignmentPatternsWhereTheStandardPutsThem() {
        #expect(QRCode.alignmentCenters(1) == [])
        #expect(QRCode.alignmentCenters(2) == [6, 18])
        #expect(QRCode.alignmentCenters(7) == [6, 22, 38])
        #expect(QRCode.alignmentCenters(32) == [6, 34, 60, 86, 112, 138])
        #expect(QRCode.alignmentCenters(40) == [6, 30, 58, 86, 114, 142, 170])
    }
}
