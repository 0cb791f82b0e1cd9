import Foundation
import Testing
@testable import MyGazCore

/// Reads every record of `bytes` (written to a file) as strings, decoding UTF-8.
private func records(_ bytes: [UInt8], delimiter: UInt8 = 59, bufferSize: Int = 1 << 16) throws -> [(line: Int, fields: [String])] {
    let dir = TempDir()
    let path = dir.file("in.csv")
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let reader = try CSVReader(path: path, delimiter: delimiter, bufferSize: bufferSize)
    var record = CSVRecord()
    var out: [(Int, [String])] = []
    while try reader.next(into: &record) {
        out.append((record.line, (0..<record.count).map { String(decoding: record.bytes[record.range($0)], as: UTF8.self) }))
    }
    return out
}

private func records(_ text: String, delimiter: UInt8 = 59, bufferSize: Int = 1 << 16) throws -> [(line: Int, fields: [String])] {
    try records(Array(text.utf8), delimiter: delimiter, bufferSize: bufferSize)
}

/// A row of one logical column holding `text`, for the cell parsers.
private func cell(_ text: String) -> RowView {
    var row = RowView(map: [0], headers: ["Столбец"])
    row.utf8 = Array(text.utf8)
    row.ends = [row.utf8.count][...]
    row.line = 7
    return row
}

@Suite struct CSVReaderTests {
    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        let rs = try records("a;b;c\r\n1;\"x; y\";\"he said \"\"hi\"\"\"\r\n2;\"two\r\nlines\";z\r\n3;;\r\n")
        #expect(rs.map(\.fields) == [["a", "b", "c"], ["1", "x; y", "he said \"hi\""], ["2", "two\r\nlines", "z"], ["3", "", ""]])
        #expect(rs.map(\.line) == [1, 2, 3, 5], "a record's line is where it starts; the embedded break counts")
    }

    @Test func lfAndCRLFAndBlankLinesAndNoFinalNewline() throws {
        let rs = try records("a,b\n\n1,2\r\n\r\n3,4", delimiter: 44)
        #expect(rs.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(rs.map(\.line) == [1, 3, 5])
    }

    @Test func aQuoteInsideAnUnquotedFieldIsKeptAsWritten() throws {
        let rs = try records("ул. \"Новая\", 1;x\n")
        #expect(rs.first?.fields == ["ул. \"Новая\", 1", "x"])
    }

    @Test func anUnterminatedQuoteIsReportedAtTheLineItOpens() throws {
        #expect(throws: CSVProblem.unterminatedQuote(line: 3)) {
            _ = try records("a;b\n1;2\n3;\"open\n4;5\n")
        }
    }

    @Test func recordsLongerThanTheBufferAndFieldsAcrossRefills() throws {
        let long = String(repeating: "Ж", count: 5000)
        let text = (0..<50).map { "\($0);\"\(long)\";x\r\n" }.joined()
        let rs = try records(text, bufferSize: 64)
        #expect(rs.count == 50)
        #expect(rs.allSatisfy { $0.fields.count == 3 && $0.fields[1] == long && $0.fields[2] == "x" })
        #expect(rs.last?.line == 50)
    }

    @Test func aCRLFSplitAcrossTwoReadsIsOneLineEnd() throws {
        // the buffer ends between \r and \n on the first record
        let rs = try records("abcdefg\r\nhij\r\n", bufferSize: 8)
        #expect(rs.map(\.fields) == [["abcdefg"], ["hij"]])
    }

    @Test func aNULByteMarksTheRecord() throws {
        let dir = TempDir()
        let path = dir.file("nul.csv")
        _ = FileManager.default.createFile(atPath: path, contents: Data(Array("a;b\n1;2\n".utf8) + [51, 0, 59, 52, 10]))
        let reader = try CSVReader(path: path, delimiter: 59)
        var record = CSVRecord()
        var marked: [Bool] = []
        while try reader.next(into: &record) { marked.append(record.hasNUL) }
        #expect(marked == [false, false, true])
    }

    @Test func theDelimiterIsTakenFromTheHeader() {
        #expect(CSVReader.detectDelimiter(headerBytes: Array("a;b;c\n1,2,3,4,5".utf8)) == 59)
        #expect(CSVReader.detectDelimiter(headerBytes: Array("a,b,\"c;d\"\n".utf8)) == 44)
        #expect(CSVReader.detectDelimiter(headerBytes: Array("a\tb\tc\n".utf8)) == 9)
        #expect(CSVReader.detectDelimiter(headerBytes: Array("single\n".utf8)) == 59)
    }
}

@Suite struct TextEncodingTests {
    @Test func windows1251DecodesLikeTheSystemConverter() throws {
        // every assigned byte, compared with Foundation's own table
        let bytes = (0x80...0xFF).map(UInt8.init).filter { $0 != 0x98 }
        let expected = try #require(String(data: Data(bytes), encoding: .windowsCP1251))
        let ours = String(bytes.map { Character(Unicode.Scalar(TextEncoding.cp1251High[Int($0) - 0x80])!) })
        #expect(ours == expected)
        #expect(TextEncoding.cp1251(expected) == bytes, "and back")
        #expect(TextEncoding.cp1251("Ёлка №5 — 😀") == [0xA8, 0xEB, 0xEA, 0xE0, 0x20, 0xB9, 0x35, 0x20, 0x97, 0x20, 0x3F])
    }

    @Test func utf8ValidationAcrossChunks() {
        func valid(_ chunks: [[UInt8]]) -> Bool {
            var v = TextEncoding.UTF8Validator()
            for c in chunks { c.withUnsafeBufferPointer { v.feed($0) } }
            return v.complete
        }
        let word = Array("Привет".utf8)
        #expect(valid([word]))
        #expect(valid([Array(word[..<3]), Array(word[3...])]), "a character split between reads")
        #expect(!valid([Array(word[..<3])]), "cut short at the end")
        #expect(!valid([[0xCF, 0xF0, 0xE8]]), "Windows-1251 «При»")
        #expect(!valid([[0xC0, 0x80]]), "overlong")
        #expect(!valid([[0xED, 0xA0, 0x80]]), "a surrogate")
        #expect(!valid([[0xF4, 0x90, 0x80, 0x80]]), "beyond U+10FFFF")
        #expect(valid([Array("𝔊".utf8)]))
    }
}

@Suite struct ImportCellTests {
    @Test func moneyWithCommasPointsSpacesAndMinus() {
        let cases: [(String, Int64?)] = [
            ("-3319,52", -331_952), ("3319.52", 331_952), ("1 234,5", 123_450), ("1\u{00A0}234,50", 123_450),
            ("0", 0), ("12", 1200), (",5", 50), ("\u{2212}10,01", -1001),
            ("1,234", nil), ("12,3,4", nil), ("abc", nil), ("-", nil), ("1e5", nil), ("", nil),
        ]
        for (text, expected) in cases {
            #expect(RowView.kopecks(Array(text.utf8)[...]) == expected, "\(text)")
        }
    }

    @Test func decimalsWithCommaOrPoint() {
        #expect(RowView.decimal(Array("54,5".utf8)[...]) == 54.5)
        #expect(RowView.decimal(Array("59.2205".utf8)[...]) == 59.2205)
        #expect(RowView.decimal(Array("-0,25".utf8)[...]) == -0.25)
        #expect(RowView.decimal(Array("5,5,5".utf8)[...]) == nil)
        #expect(RowView.decimal(Array("пять".utf8)[...]) == nil)
    }

    @Test func wholeNumbersReportTheCellAndLine() {
        var ok = cell(" 1 204 ")
        #expect(ok.int(0) == 1204)
        var bad = cell("3,5")
        #expect(bad.int(0) == nil)
        #expect(bad.problems.first?.line == 7)
        #expect(bad.problems.first?.column == "Столбец")
        #expect(bad.problems.first?.reason.key == .importNotANumber)
        var huge = cell("99999999999999999999")
        #expect(huge.int(0) == nil && huge.problems.first?.reason.key == .importNotANumber)
        var range = cell("10")
        #expect(range.int(0, max: 9) == nil && range.problems.first?.reason.key == .importOutOfRange)
        var empty = cell("  ")
        #expect(empty.int(0, required: true) == nil && empty.problems.first?.reason.key == .importEmpty)
        var optional = cell("")
        #expect(optional.int(0) == nil && optional.problems.isEmpty, "an empty cell is a value that does not exist yet")
    }

    @Test func datesInTheRussianAndISOForms() {
        var a = cell("20.07.2026"), b = cell("2026-07-20"), c = cell("20.07.2026 0:00:00"), d = cell("31.02.2026"), e = cell("2026/07")
        #expect(a.day(0)?.iso == "2026-07-20")
        #expect(b.day(0)?.iso == "2026-07-20")
        #expect(c.day(0)?.iso == "2026-07-20", "1C writes a time after the date")
        #expect(d.day(0) == nil && d.problems.first?.reason.key == .importNotADate)
        #expect(e.day(0) == nil)
    }

    @Test func periodsAsMonthYear() {
        for (text, expected) in [("07.2026", "2026-07"), ("7.2026", "2026-07"), ("2026-07", "2026-07"), ("01.07.2026", "2026-07"),
                                 ("13.2026", nil), ("07.26", nil), ("июль", nil)] as [(String, String?)] {
            var row = cell(text)
            #expect(row.period(0) == expected, "\(text)")
            #expect(row.problems.isEmpty == (expected != nil))
        }
    }

    @Test func accountNumbersLoseSeparatorsAndLeadingZeros() {
        for (text, expected) in [("023-185952", "23185952"), ("70 000 017", "70000017"), ("0000", nil), ("12a4", nil),
                                 ("1234567890123456789", nil)] as [(String, String?)] {
            var row = cell(text)
            #expect(row.account(0) == expected, "\(text)")
            #expect(row.problems.first?.reason.key == (expected == nil ? .badAccountNumber : nil))
        }
    }

    @Test func codeWordsIgnoreCaseYoAndSpaces() {
        let words = CodeWords(["природный газ": "gas", "ТО ВДГО": "vdgo", "неисправен": "faulty", "снят": "removed", "открыт": "open"])
        func lookup(_ s: String) -> String? { words.lookup(Array(s.utf8)[...]) }
        #expect(lookup("Природный газ") == "gas")
        #expect(lookup("  ПРИРОДНЫЙ   ГАЗ ") == "gas")
        #expect(lookup("Природный\u{00A0}газ") == "gas")
        #expect(lookup("то вдго") == "vdgo")
        #expect(lookup("НЕИСПРАВЕН") == "faulty")
        #expect(lookup("Открыт") == "open")
        #expect(lookup("сломан") == nil)
        #expect(CodeWords.fold(Array("Ёжик Ё".utf8)[...]) == Array("ежик е".utf8))
    }

    @Test func headerNamesMatchInAnySpelling() {
        let column = ImportColumn("heated_area", ["отапливаемая_площадь"])
        for name in ["heated_area", "Heated Area", "ОТАПЛИВАЕМАЯ ПЛОЩАДЬ", "Отапливаемая_площадь", "отапливаемая-площадь"] {
            #expect(column.names.contains(ImportColumn.normalize(name)), "\(name)")
        }
        let balance = ImportColumn("opening", ["сальдо_нач"])
        #expect(balance.names.contains(ImportColumn.normalize("Сальдо нач.")))
        #expect(ImportColumn("account", ["лицевой_счет"]).names.contains(ImportColumn.normalize("Лицевой счёт")), "ё and е")
    }
}
