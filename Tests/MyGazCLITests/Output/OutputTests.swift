import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

@Suite struct OutputTests {
    func output(_ format: OutputFormat, tty: Bool = false, color: Bool = true) -> (Output, MemorySink) {
        let sink = MemorySink()
        let io = IO(stdout: sink, stderr: MemorySink(), stdin: MemoryInput(""),
                    terminal: TerminalInfo(stdoutIsTTY: tty, stderrIsTTY: tty, width: 200),
                    environment: [:], prompter: ScriptedPrompter([]), login: "t")
        return (Output(io: io, format: format, lang: .en, color: color, quiet: false), sink)
    }

    var sample: Table {
        var t = Table([Column("id", L("ID", "ID"), align: .right), Column("name", L("NAME", "ИМЯ")),
                       Column("note", L("NOTE", "ЗАМЕТКА"), .humanOnly), Column("raw", L("RAW", "RAW"), .machineOnly)])
        t.append([Cell(.int(7)), Cell(.text("Щукина Ё.")), Cell(.text("a")), Cell(.text("x,\"y\""))])
        t.append([Cell(.int(12)), Cell(.text("Li 李")), Cell(.text("b")), Cell(.null)])
        t.append([Cell(.int(3)), Cell(.text("e\u{301}clair")), Cell(.text("c")), Cell(.text("tab\there"))])
        return t
    }

    @Test func tablesAlignByDisplayWidth() {
        let (out, sink) = output(.table)
        out.table(sample)
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // the NOTE column starts at the same display column on every line
        let columns = lines.map { line -> Int in
            let idx = line.range(of: "  ", options: .backwards)!.upperBound
            return DisplayWidth.of(String(line[..<idx]))
        }
        #expect(Set(columns).count == 1, "\(lines)")
        #expect(!sink.text.contains("RAW"))
    }

    /// Issue 41: one rule fits a table to the terminal — the columns of the highest priority
    /// number go first, then free text is cut to its minimum; a whole value is never cut.
    @Test func aTableFitsByDroppingTheLeastUsefulColumnsBeforeCuttingText() {
        let columns = [Column("id", L("ID", "ID")), Column("name", L("NAME", "ФИО"), cut: 8),
                       Column("date", L("DATE", "ДАТА")), Column("by", L("BY", "КЕМ"), priority: 1),
                       Column("note", L("NOTE", "ЗАМЕТКА"), cut: 6, priority: 2)]
        let natural = [4, 30, 16, 10, 20]
        // wide enough: nothing changes
        #expect(TableLayout.fit(columns, natural: natural, available: 200) == TableLayout(shown: [0, 1, 2, 3, 4], widths: natural))
        #expect(TableLayout.fit(columns, natural: natural, available: nil).shown == [0, 1, 2, 3, 4])
        // the text is cut, the widest first, nothing dropped
        #expect(TableLayout.fit(columns, natural: natural, available: 60) == TableLayout(shown: [0, 1, 2, 3, 4], widths: [4, 11, 16, 10, 11]))
        // the note (priority 2) goes before BY (1); the date is never cut
        #expect(TableLayout.fit(columns, natural: natural, available: 48) == TableLayout(shown: [0, 1, 2, 3], widths: [4, 12, 16, 10]))
        #expect(TableLayout.fit(columns, natural: natural, available: 34) == TableLayout(shown: [0, 1, 2], widths: [4, 10, 16]))
        // what is essential and still too wide is shown whole: the terminal wraps it, nothing is cut
        #expect(TableLayout.fit(columns, natural: natural, available: 20) == TableLayout(shown: [0, 1, 2], widths: [4, 8, 16]))
        // a column dropped on the way comes back when it fits beside the rest
        let late = [Column("a", L("A", "A"), priority: 3), Column("b", L("B", "B"), priority: 2), Column("c", L("C", "C"), priority: 1)]
        #expect(TableLayout.fit(late, natural: [10, 30, 10], available: 24).shown == [0, 2])
    }

    @Test func aTableAtANarrowTerminalSaysWhichColumnsItLeftOut() {
        let sink = MemorySink()
        let io = IO(stdout: sink, stderr: MemorySink(), stdin: MemoryInput(""),
                    terminal: TerminalInfo(stdoutIsTTY: true, stderrIsTTY: true, width: 30),
                    environment: [:], prompter: ScriptedPrompter([]), login: "t")
        let out = Output(io: io, format: .table, lang: .ru, color: false, quiet: false)
        var t = Table([Column("id", L("ID", "ID"), align: .right), Column("date", L("DATE", "ДАТА")),
                       Column("name", L("NAME", "ФИО"), cut: 6), Column("by", L("BY", "КЕМ"), priority: 1)])
        t.append([Cell(.int(7)), Cell(.text("25.10.2026 14:03")), Cell(.text("Попова Елена Дмитриевна")), Cell(.text("ivanova"))])
        out.table(t)
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines[1] == " 7  25.10.2026 14:03  Попова…", "\(lines)")
        #expect(lines.dropFirst(2).joined(separator: " ").contains("не поместились по ширине: КЕМ"), "\(lines)")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 30 }, "\(lines)")
    }

    @Test func displayWidth() {
        #expect(DisplayWidth.of("Щукина") == 6)
        #expect(DisplayWidth.of("李") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("\u{1B}") == 0)
        #expect(DisplayWidth.truncate("Приложите копию", to: 8) == "Приложи…")
        // a figure in free text is left out whole rather than cut (issue 41), and no space before «…»
        #expect(DisplayWidth.truncate("Показание 22 314 принято", to: 14) == "Показание…")
        #expect(DisplayWidth.truncate("звонок +7 (917) 961-47-25", to: 18) == "звонок…")
        #expect(DisplayWidth.truncate("Попова Елена", to: 8) == "Попова…")
        #expect(DisplayWidth.wrap("один два три", to: 8) == ["один два", "три"])
        // emoji beyond any hand-made range: each is one picture of two columns
        for emoji in ["🚀", "✅", "⭐", "☕", "❤️", "👨‍👩‍👧", "🇷🇺", "🫠"] { #expect(DisplayWidth.of(emoji) == 2, "\(emoji)") }
        #expect(DisplayWidth.of("❤") == 1, "a heart without U+FE0F is text")
        #expect(DisplayWidth.of("Оплата ✅ принята") == 17)
        #expect(DisplayWidth.pad("🚀", to: 4) == "🚀  ")
    }

    @Test func theWidthTableIsWhatTheUnicodeDataGives() throws {
        let ucd = "/usr/share/unicode/EastAsianWidth.txt"
        try #require(FileManager.default.fileExists(atPath: ucd), "Debian's unicode-data package (.ci/run installs it)")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root + "/.ci/width-table.py"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let generated = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let committed = try String(contentsOfFile: root + "/Sources/MyGazCLI/Output/WidthTable.swift", encoding: .utf8)
        #expect(process.terminationStatus == 0 && generated == committed, "run .ci/width-table.py > Sources/MyGazCLI/Output/WidthTable.swift")
    }

    @Test func jsonIsAnArrayWithStableKeys() {
        let (out, sink) = output(.json)
        out.table(sample)
        #expect(sink.text == #"[{"id":7,"name":"Щукина Ё.","raw":"x,\"y\""},{"id":12,"name":"Li 李","raw":null},{"id":3,"name":"éclair","raw":"tab\there"}]"# + "\n")
    }

    @Test func csvQuotesAndTsvEscapes() {
        let (csv, csvSink) = output(.csv)
        csv.table(sample)
        #expect(csvSink.text.hasPrefix("id,name,raw\n7,Щукина Ё.,\"x,\"\"y\"\"\"\n"))
        let (tsv, tsvSink) = output(.tsv)
        tsv.table(sample)
        #expect(tsvSink.text.contains("3\téclair\ttab\\there\n"), "a tab inside a value is \\t: \(tsvSink.text)")
        #expect(Output.tsvField("a\r\nb\\c\rd\ne") == #"a\r\nb\\c\rd\ne"#, "CRLF, CR, LF and the backslash itself")
    }

    /// CSV goes to spreadsheets: a text a spreadsheet would read as a formula gets a leading `'`
    /// (OWASP); a number we wrote stays a number, whatever its sign; TSV and JSON stay exact.
    @Test func aCSVCellThatASpreadsheetWouldRunIsNeutralisedAndNumbersStayNumbers() {
        var t = Table([Column("id", L("ID", "ID")), Column("name", L("NAME", "ИМЯ")), Column("debt_kop", L("DEBT", "ДОЛГ")),
                       Column("area", L("AREA", "ПЛОЩАДЬ"))])
        let names = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\",\"Оплатить\")", "+79815676522", "-2+3", "@SUM(A1)",
                     "\tTAB", "\rCR", "Иванов", "'уже с кавычкой", "a=b"]
        for (i, name) in names.enumerated() { t.append([Cell(.int(Int64(i))), Cell(.text(name)), Cell(.int(-152_000)), Cell(.double(-1.5))]) }
        let (csv, sink) = output(.csv)
        csv.table(t)
        let rows = sink.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows[1] == "0,'=cmd|' /C calc'!A0,-152000,-1.5", "\(rows)")
        #expect(rows[2] == #"1,"'=HYPERLINK(""http://evil.example"",""Оплатить"")",-152000,-1.5"#, "\(rows)")
        #expect(rows[3] == "2,'+79815676522,-152000,-1.5" && rows[4] == "3,'-2+3,-152000,-1.5" && rows[5] == "4,'@SUM(A1),-152000,-1.5")
        #expect(rows[6] == "5,'\tTAB,-152000,-1.5" && rows[7] == "6,\"'\rCR\",-152000,-1.5", "\(rows)")
        #expect(rows[8] == "7,Иванов,-152000,-1.5" && rows[9] == "8,'уже с кавычкой,-152000,-1.5" && rows[10] == "9,a=b,-152000,-1.5")
        // scripts read TSV and JSON: the text exactly as it is
        let (tsv, tsvSink) = output(.tsv)
        tsv.table(t)
        #expect(tsvSink.text.contains("\n0\t=cmd|' /C calc'!A0\t-152000\t-1.5\n") && tsvSink.text.contains("\n2\t+79815676522\t"))
        let (json, jsonSink) = output(.json)
        json.table(t)
        #expect(jsonSink.text.contains(#"{"id":0,"name":"=cmd|' /C calc'!A0","debt_kop":-152000"#), "\(jsonSink.text)")
    }

    /// A record's field is one line, whatever the data holds: a CR/LF or a line separator in a
    /// name is shown escaped, as every other control.
    @Test func aRecordFieldIsOneLine() {
        var r = Record()
        r.field("holder", L("Holder", "Владелец"), .text("Иванов\r\nИван\u{2028}Иванович\u{85}!"))
        r.field("number", L("Number", "Номер"), .text("7000"))
        let (out, sink) = output(.table)
        out.record(r)
        #expect(sink.text == "Holder:  Иванов\\r\\nИван\\u2028Иванович\\u0085!\nNumber:  7000\n", "\(sink.text)")
    }

    @Test func colourOnlyOnATerminalAndNeverWhenOff() {
        let (plain, plainSink) = output(.table, tty: false)
        plain.table(sample)
        #expect(!plainSink.text.contains("\u{1B}["))
        let (tty, ttySink) = output(.table, tty: true)
        tty.table(sample)
        #expect(ttySink.text.contains("\u{1B}[1m"))
        let (off, offSink) = output(.table, tty: true, color: false)
        off.table(sample)
        #expect(!offSink.text.contains("\u{1B}["))
        // NO_COLOR in the environment turns colour off for the run
        let env = ["NO_COLOR": "1"]
        #expect(try! Globals.resolve(Parser(root: CommandTree.root, globals: GlobalOptions.all).parse(["status"]), environment: env).color == false)
        // a terminal that cannot show colour says so
        let status = try! Parser(root: CommandTree.root, globals: GlobalOptions.all).parse(["status"])
        #expect(try! Globals.resolve(status, environment: ["TERM": "dumb"]).color == false)
        #expect(try! Globals.resolve(status, environment: ["TERM": "xterm-256color"]).color == true)
        let dumb = InProcess.run(["--db", "/nonexistent/x.db", "status"], environment: ["TERM": "dumb"],
                                 terminal: TerminalInfo(stdinIsTTY: true, stdoutIsTTY: true, stderrIsTTY: true))
        #expect(!dumb.stderr.contains("\u{1B}[") && !dumb.stderr.isEmpty, "\(dumb.stderr)")
    }

    @Test func noHeaderLeavesTheHeaderLineOut() {
        let sink = MemorySink()
        let io = IO(stdout: sink, stderr: MemorySink(), stdin: MemoryInput(""), terminal: TerminalInfo(), environment: [:],
                    prompter: ScriptedPrompter([]), login: "t")
        Output(io: io, format: .tsv, lang: .en, color: false, quiet: false, header: false).table(sample)
        #expect(sink.text.hasPrefix("7\tЩукина Ё.\tx,\"y\"\n"), "\(sink.text)")
        #expect(try! Globals.resolve(Parser(root: CommandTree.root, globals: GlobalOptions.all).parse(["status", "--no-header"]), environment: [:]).header == false)
    }

    @Test func actionResultsAsJSON() {
        let (out, sink) = output(.json)
        out.results([
            ActionResult(id: "12", outcome: .changed, status: "accepted"),
            ActionResult(id: "13", outcome: .failed, status: nil, error: .notFound(.application, "13")),
        ])
        #expect(sink.text == #"[{"id":12,"result":"changed","status":"accepted","error":null},{"id":13,"result":"failed","status":null,"error":"application 13 not found"}]"# + "\n")
    }

    @Test func numbersInTheReadersLocale() {
        let nbsp = "\u{00A0}"
        #expect(Format.grouped(1204, .ru) == "1\(nbsp)204" && Format.grouped(15_365, .en) == "15,365")
        #expect(Format.grouped(-3_319, .ru) == "-3\(nbsp)319" && Format.grouped(999, .en) == "999")
        #expect(Format.grouped(1_234_567, .en) == "1,234,567")
        #expect(Format.money(-331_952, .ru) == "-3\(nbsp)319,52" && Format.money(-331_952, .en) == "-3,319.52")
        #expect(Format.seconds(12.34, .en) == "12.3" && Format.seconds(12.36, .ru) == "12,4")
        #expect(Format.seconds(1504.98, .ru) == "1\(nbsp)505,0" && Format.seconds(0.04, .en) == "0.0")
        #expect(Format.money(5, .en) == "0.05")
        #expect(Format.decimal(65.6, .ru) == "65,6" && Format.decimal(65.6, .en) == "65.6")
        #expect(Format.decimal(121.25, .ru) == "121,25" && Format.decimal(40, .ru) == "40" && Format.decimal(-0.5, .en) == "-0.5")
        #expect(Format.decimal(1234.5, .ru) == "1\(nbsp)234,5")
    }

    @Test func unitsAndDurationsInTheReadersLanguage() {
        #expect(Format.age(seconds: 5 * 86_400 + 30, .ru) == "5 дн" && Format.age(seconds: 5 * 86_400, .en) == "5 d")
        #expect(Format.age(seconds: 22 * 3600, .ru) == "22 ч" && Format.age(seconds: 22 * 3600, .en) == "22 h")
        #expect(Format.age(seconds: 60, .ru) == "1 мин" && Format.age(seconds: 59, .en) == "0 min")
        #expect(Format.bytes(125, .ru) == "125 Б" && Format.bytes(125, .en) == "125 B")
        #expect(Format.bytes(40 * 1024 * 1024, .ru) == "40 МиБ")
    }

    @Test func phonesAsPeopleWriteThem() {
        #expect(Format.phone("+79815676522") == "+7 (981) 567-65-22")
        #expect(Format.phone("ivanov@mail.ru") == "ivanov@mail.ru")
        #expect(Format.phone("+7981567652") == "+7981567652")   // not a whole number: as it is
        #expect(Format.phone("+7981567652x") == "+7981567652x")
        #expect(Format.period("2026-11", .ru) == "11.2026" && Format.period("2026-11", .en) == "2026-11")
    }
}
