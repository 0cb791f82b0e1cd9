import Testing
@testable import MyGazCLI
@testable import MyGazCore

@Suite struct StdinReferencesTests {
    func lines(_ text: String, column: String? = nil) throws -> [StdinReferences.Line] {
        try StdinReferences.lines(MemoryInput(text), column: column)
    }

    @Test func aLineIsOneReferenceWhole() throws {
        let read = try lines("\u{FEFF}  8 910 000-26-65 \r\n\n# comment\n\tivan@mail.ru\n12\n")
        #expect(read == [.init(number: 1, text: "8 910 000-26-65"), .init(number: 4, text: "ivan@mail.ru"), .init(number: 5, text: "12")])
    }

    @Test(arguments: ["12;x", "12,x", "12\tx", "12;"]) func aLineWithFieldsNeedsAColumn(_ line: String) {
        #expect(throws: MyGazError.self) { try lines("7\n" + line + "\n") }
    }

    @Test func aColumnByNumberOrByTheHeadersName() throws {
        #expect(try lines("5;a\n6;b\n", column: "1").map(\.text) == ["5", "6"])
        #expect(try lines("a\t5\nb\t6\n", column: "2").map(\.text) == ["5", "6"])
        #expect(try lines("ID,comment\n5,\"x, y\"\n\"6\",z\n", column: "id").map(\.text) == ["5", "6"])
        #expect(try lines("comment;Логин\n\"a;b\";\"+7 910 000-00-01\"\n", column: "логин").map(\.text) == ["+7 910 000-00-01"])
        #expect(throws: MyGazError.self) { try lines("5;a\n", column: "id") }          // no header naming it
        #expect(throws: MyGazError.self) { try lines("id;c\n5\n", column: "c") }       // a line without the field
    }

    /// Issue 41: a list's id column piped with its header: a first line that is `id` alone is the header.
    @Test func aFirstLineNamingTheIdColumnIsTheHeader() throws {
        #expect(try lines("id\r\n5\r\n6\r\n").map(\.text) == ["5", "6"], "the header alone (`--columns id`, `cut -f1`)")
        #expect(try lines("\u{FEFF}\"ID\"\n5\n").map(\.text) == ["5"])
        #expect(throws: MyGazError.self, "a whole list still needs --column") { try lines("id,status\n5,pending\n") }
        #expect(try lines("id,status\n5,pending\n", column: "id").map(\.text) == ["5"])
        #expect(try lines("5\nid\n").map(\.text) == ["5", "id"], "only the first line is a header; a later `id` is a reference that names nothing")
        #expect(throws: MyGazError.self) { try lines("status,account\npending,7\n") } // no id column: still refused
    }

    @Test func quotedFieldsKeepTheirDelimitersAndQuotes() {
        #expect(StdinReferences.split("\"a;b\";c; d ;\"e\"\"f\"", by: ";") == ["a;b", "c", "d", "e\"f"])
        #expect(StdinReferences.split("", by: ",") == [""])
    }

    @Test(arguments: ["+7", "-3", "0", " 12 3", "12a", "١٢", ""]) func anIdIsDigitsOnly(_ text: String) {
        #expect(throws: MyGazError.self) { try References.parseID(.reading, text) }
    }

    @Test func digitsAreAnId() throws {
        #expect(try References.parseID(.reading, " 0042 ") == 42)
    }
}
