import Foundation
import Testing

/// A screen of 80×24 as a terminal shows it: the bytes the program wrote played onto a grid
/// (cursor moves, clears, line feeds that scroll). Enough of a terminal to tell whether a line
/// was pushed off the top or a line was wider than the screen.
struct Screen80x24 {
    static let rows = 24, columns = 80
    var grid = Array(repeating: Array(repeating: Character(" "), count: 80), count: 24)
    var row = 0, column = 0
    /// Lines that went off the top, and writes past the last column.
    var scrolled = 0, overflows = 0

    init(_ text: String) {
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\u{1B}" {
                i += 1
                guard i < chars.count else { break }
                if chars[i] == "[" {
                    var parameters = ""
                    i += 1
                    while i < chars.count, !(chars[i].isLetter || chars[i] == "~") { parameters.append(chars[i]); i += 1 }
                    guard i < chars.count else { break }
                    csi(chars[i], parameters)
                }
                i += 1
                continue
            }
            switch c {
            case "\r\n", "\n": lineFeed(); column = 0
            case "\r": column = 0
            default:
                if c.unicodeScalars.first.map({ $0.value < 0x20 }) == true { break }
                if column >= Self.columns { overflows += 1; lineFeed(); column = 0 }
                grid[row][column] = c
                column += 1
            }
            i += 1
        }
    }

    mutating func lineFeed() {
        if row == Self.rows - 1 {
            grid.removeFirst()
            grid.append(Array(repeating: " ", count: Self.columns))
            scrolled += 1
        } else {
            row += 1
        }
    }

    mutating func csi(_ command: Character, _ parameters: String) {
        let numbers = parameters.split(separator: ";").map { Int($0.filter(\.isNumber)) ?? 1 }
        switch command {
        case "H":
            row = max(0, min(Self.rows - 1, (numbers.first ?? 1) - 1))
            column = max(0, min(Self.columns - 1, (numbers.count > 1 ? numbers[1] : 1) - 1))
        case "J" where parameters == "2":
            grid = Array(repeating: Array(repeating: " ", count: Self.columns), count: Self.rows)
        case "K" where parameters == "2":
            grid[row] = Array(repeating: " ", count: Self.columns)
        default:
            break
        }
    }

    var lines: [String] { grid.map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) } }
}

/// Issue 41: the review at an 80×24 terminal in Russian — the reason picker with the full list
/// keeps the card's header line on the screen, and after a decision the top line is whole.
@Suite struct ReviewAt80x24Tests {
    /// What the terminal showed when `marker` was last written, up to the end of it.
    static func screen(_ raw: [UInt8], upTo marker: String, occurrence: Int = 1) -> Screen80x24? {
        let text = String(decoding: raw, as: UTF8.self)
        var from = text.startIndex, found: Range<String.Index>?
        for _ in 0..<occurrence {
            guard let r = text.range(of: marker, range: from..<text.endIndex) else { return nil }
            found = r
            from = r.upperBound
        }
        guard let found else { return nil }
        return Screen80x24(String(text[..<found.upperBound]))
    }

    @Test func theReasonPickerKeepsTheHeaderAndADecisionKeepsTheTopLine() throws {
        let t = E2E()
        t.seedReadings()
        // a card as long as a real one: an address on two lines, four readings of history
        _ = t.sql("""
            UPDATE account SET address = 'Вологодская обл., Вологодский р-н, пос. Молочное, ул. Шмидта, д. 12, корп. 3, кв. 45, подъезд 2' WHERE number = '70000017';
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
            SELECT id, 700, '2026-03-25', 'rgk', 'accepted', '2026-03-25T10:00:00Z' FROM meter WHERE serial = 'B-MAX-OVER';
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
            SELECT id, 800, '2026-04-25', 'rgk', 'accepted', '2026-04-25T10:00:00Z' FROM meter WHERE serial = 'B-MAX-OVER';
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
            SELECT id, 900, '2026-05-25', 'rgk', 'accepted', '2026-05-25T10:00:00Z' FROM meter WHERE serial = 'B-MAX-OVER';
            """)
        let r = t.interactive(["--lang", "ru", "reading", "review", "--rgk", "vologda", "--violations"], [
            .expect("показание 1/6"), .expect("B-MAX-OVER"),
            .send("к"),
            .expect("Причина отказа"), .expect("Номер ["),
            .send("7\r"),
            .expect("обязательно"),
            .send("Проверьте показание по фото, пожалуйста, и передайте его повторно через личный кабинет\r"),
            .expect("показание 2/6"),
            .send("й"),
        ])
        #expect(r.ok && r.exit == 0 && r.restored, "\(r.description)")
        #expect(r.raw.count > 0)

        let picker = try #require(Self.screen(r.raw, upTo: "Номер ["), "the picker's prompt")
        let lines = picker.lines
        #expect(lines[0].hasPrefix("Показание "), "the card's header stays on the screen: \(lines.joined(separator: "\n"))")
        #expect(picker.scrolled == 0 && picker.overflows == 0, "nothing pushed off, nothing wider than 80: \(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.hasPrefix("Причина отказа") })
        // every reason, numbered and aligned, in the clerk's language
        let numbered = lines.filter { $0.range(of: #"^[* ] \d\. "#, options: .regularExpression) != nil }
        #expect(numbered.count == 7, "\(lines.joined(separator: "\n"))")
        #expect(Set(numbered.map { line in line.firstIndex(of: ".").map { line.distance(from: line.startIndex, to: $0) } ?? -1 }).count == 1,
                "labels aligned: \(numbered)")
        #expect(numbered.allSatisfy { DecisionsReachTheCustomerTests.englishWords($0).isEmpty }, "no English word: \(numbered)")
        #expect(lines.last?.hasPrefix("Номер [") == true, "the prompt on the last row: \(lines)")

        let after = try #require(Self.screen(r.raw, upTo: "показание 2/6"), "the screen after the decision")
        #expect(after.scrolled == 0 && after.overflows == 0, "\(after.lines.joined(separator: "\n"))")
        #expect(after.lines[0].contains("отклонено") || after.lines[0].contains("→"), "the decision's line whole at the top: \(after.lines.joined(separator: "\n"))")
        #expect(after.lines.allSatisfy { $0.count <= 80 })
    }
}
