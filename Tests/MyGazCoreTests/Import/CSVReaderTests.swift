import Foundation
import Testing
@testable import MyGazCore

/// Reads every record of `bytes` (written to a file) as strings, decoding UTF-8.
func records(_ bytes: [UInt8], delimiter: UInt8 = 59, bufferSize: Int = 1 << 16) throws -> [(line: Int, fields: [String])] {
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

func records(_ text: String, delimiter: UInt8 = 59, bufferSize: Int = 1 << 16) throws -> [(line: Int, fields: [String])] {
    try records(Array(text.utf8), delimiter: delimiter, bufferSize: bufferSize)
}

/// A row of one logical column holding `text`, for the cell parsers.
func cell(_ text: String) -> RowView {
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
