import Foundation
import MyGazCore

public enum OutputFormat: String, CaseIterable, Sendable { case table, json, csv, tsv }

/// The one way anything reaches stdout or stderr: tables, records, action results,
/// messages. Data goes to stdout, diagnostics to stderr.
public final class Output {
    public let io: IO
    public let format: OutputFormat
    public let texts: Texts
    public let color: Bool
    public let quiet: Bool
    /// CSV and TSV start with their header line (`--no-header` leaves it out).
    public let header: Bool
    /// What the command was asked to find (`--search`), for the line that says nothing was found.
    public var searched: String?

    public init(io: IO, format: OutputFormat, lang: Lang, color: Bool, quiet: Bool, header: Bool = true) {
        self.io = io
        self.format = format
        self.texts = Texts(lang)
        self.color = color
        self.quiet = quiet
        self.header = header
    }

    public var lang: Lang { texts.lang }
    public var isHuman: Bool { format == .table }

    // MARK: messages

    /// A line for a person on stdout (table format only; machines get data instead).
    public func say(_ key: MessageKey, _ args: MessageArg...) {
        say(Message(key, args))
    }

    public func say(_ message: Message) {
        guard isHuman, !quiet else { return }
        io.stdout.write(fitted(texts.render(message), tty: io.terminal.stdoutIsTTY) + "\n")
    }

    /// A line for people, at a terminal wrapped at its width between words (the lines after the
    /// first indented), so that nothing runs past the edge; whole in a pipe, for grep.
    private func fitted(_ text: String, tty: Bool, after prefix: String = "", painted: String = "") -> String {
        let line = prefix + text
        guard tty, DisplayWidth.of(line) > io.terminal.width, io.terminal.width > 20 else { return painted + text }
        let lines = DisplayWidth.wrap(line, to: io.terminal.width - 2)
        return painted + String(lines.joined(separator: "\n  ").dropFirst(prefix.count))
    }

    /// A line already rendered from messages (whose arguments are escaped), for people.
    public func sayText(_ text: String) {
        guard isHuman, !quiet else { return }
        io.stdout.write(UntrustedText.visible(text) + "\n")
    }

    /// A warning on stderr, whatever the format.
    public func warn(_ key: MessageKey, _ args: MessageArg...) {
        warn(Message(key, args))
    }

    public func warn(_ message: Message) {
        guard !quiet else { return }
        io.stderr.write(fitted(texts.render(message), tty: io.terminal.stderrIsTTY, after: "mygaz-admin: ",
                               painted: paint("mygaz-admin: ", .yellow, stream: .stderr)) + "\n")
    }

    /// A bad row of a file, as compilers say it: `FILE:LINE: column: reason` on stderr.
    public func problem(file: String, line: Int, column: String, reason: Message) {
        io.stderr.write("\(UntrustedText.visible(file)):\(line): \(UntrustedText.visible(column)): \(texts.render(reason))\n")
    }

    public func error(_ error: MyGazError) {
        io.stderr.write(fitted(texts.render(error.message), tty: io.terminal.stderrIsTTY, after: "mygaz-admin: ",
                               painted: paint("mygaz-admin: ", .red, stream: .stderr)) + "\n")
    }

    // MARK: data

    public func table(_ table: Table) {
        switch format {
        case .table:
            // an empty list says so rather than print a bare header
            guard !table.rows.isEmpty else {
                let line = searched.map { texts.render(.nothingFoundFor, .text($0)) } ?? texts.render(.nothingFound)
                io.stdout.write(paint(line, .dim, stream: .stdout) + "\n")
                return
            }
            humanTable(table, indent: "")
        case .json: io.stdout.write(JSON.encode(json(table), pretty: io.terminal.stdoutIsTTY) + "\n")
        case .csv, .tsv: delimited(table)
        }
    }

    /// A list written as its rows come (`produce` hands each to `emit`): JSON, CSV and TSV row by
    /// row through the buffered sink, so a list of the whole region is never held at once, and the
    /// rows stop when the reader went away. A table for people needs every row for its widths
    /// (and pretty JSON on a terminal is for a few rows): those are collected and printed as `table`.
    public func stream(_ header: Table, _ produce: (_ emit: ([Cell]) -> Bool) throws -> Void) throws {
        let sink = io.stdout as? FileSink
        func going() -> Bool { !(sink?.broken ?? false) }
        guard format != .table && !(format == .json && io.terminal.stdoutIsTTY) else {
            var t = header
            try produce { t.rows.append($0); return true }
            table(t)
            return
        }
        let keys = header.columns.enumerated().filter { $0.element.visibility != .humanOnly }
        if format == .json {
            var first = true
            io.stdout.write("[")
            try produce { row in
                var out = first ? "" : ","
                first = false
                JSON.write(.object(keys.map { ($0.element.key, row[$0.offset].value) }), into: &out, indent: nil)
                io.stdout.write(out)
                return going()
            }
            io.stdout.write("]\n")
            return
        }
        let separator = format == .tsv ? "\t" : ","
        if self.header { io.stdout.write(keys.map { field(.text($0.element.key)) }.joined(separator: separator) + "\n") }
        try produce { row in
            io.stdout.write(keys.map { field(row[$0.offset].value) }.joined(separator: separator) + "\n")
            return going()
        }
    }

    public func record(_ record: Record) {
        switch format {
        case .table: humanRecord(record, indent: "")
        case .json: io.stdout.write(JSON.encode(json(record), pretty: io.terminal.stdoutIsTTY) + "\n")
        case .csv, .tsv:
            delimited(record)
        }
    }

    /// A record for spreadsheets and scripts: its fields as one table, then each section as its
    /// own table after a blank line. Every line begins with the section it belongs to ("record"
    /// for the fields), so that `grep '^links,'` or `awk -F'\t' '$1 == "messages"'` picks one
    /// out, with or without the header lines.
    func delimited(_ record: Record) {
        func tagged(_ section: String, _ table: Table) -> Table {
            var t = Table([Column("section", L("SECTION", "РАЗДЕЛ"))] + table.columns)
            t.rows = table.rows.map { [Cell(.text(section))] + $0 }
            return t
        }
        let own = record.machineFields
        var fields = Table(own.map { Column($0.key, $0.label) })
        if !own.isEmpty { fields.rows = [own.map(\.cell)] }
        var tables: [(String, Table)] = own.isEmpty ? [] : [("record", fields)]
        for section in record.sections where !section.flattenedForMachines {
            switch section.content {
            case .table(let table):
                tables.append((section.key, table))
            case .record(let inner):
                var t = Table(inner.machineFields.map { Column($0.key, $0.label) })
                t.rows = [inner.machineFields.map(\.cell)]
                tables.append((section.key, t))
            case .lines:
                tables.append((section.key, Self.table(of: section.value ?? .null)))
            }
        }
        for (i, (key, table)) in tables.enumerated() {
            if i > 0 { io.stdout.write("\n") }
            delimited(tagged(key, table))
        }
    }

    /// A machine value as rows: an array of objects by their keys, anything else as one `value`.
    static func table(of value: Value) -> Table {
        if case .array(let items) = value, case .object(let first)? = items.first {
            var t = Table(first.map { Column($0.0, L($0.0, $0.0)) })
            for case .object(let pairs) in items {
                t.rows.append(first.map { key, _ in Cell(pairs.first { $0.0 == key }?.1 ?? .null) })
            }
            return t
        }
        var t = Table([Column("value", L("VALUE", "ЗНАЧЕНИЕ"))])
        if case .array(let items) = value { t.rows = items.map { [Cell($0)] } } else { t.rows = [[Cell(value)]] }
        return t
    }

    /// A value for machines as it is (reports of several files), pretty on a terminal.
    public func machine(_ value: Value) {
        io.stdout.write(JSON.encode(value, pretty: io.terminal.stdoutIsTTY) + "\n")
    }

    /// A single object result (e.g. `init`, a summary): JSON for machines, lines for people.
    public func object(_ pairs: [(String, Value)], human: [Message]) {
        switch format {
        case .table: human.forEach(say)
        case .json: io.stdout.write(JSON.encode(.object(pairs), pretty: io.terminal.stdoutIsTTY) + "\n")
        case .csv, .tsv:
            var flat = Table(pairs.map { Column($0.0, L($0.0, $0.0)) })
            flat.rows = [pairs.map { Cell($0.1) }]
            delimited(flat)
        }
    }

    /// Per-id results of an action.
    public func results(_ results: [ActionResult]) {
        switch format {
        case .table:
            for result in results {
                switch result.outcome {
                case .changed, .unchanged:
                    if let human = result.human { say(human) }
                case .failed:
                    if let error = result.error { self.error(error) }
                }
            }
        case .json:
            let array = Value.array(results.map { result in
                var pairs: [(String, Value)] = [
                    ("id", idValue(result.id)),
                    ("result", .text(result.outcome.rawValue)),
                    ("status", .of(result.status)),
                    ("error", result.error.map { .text(texts.render($0.message)) } ?? .null),
                ]
                pairs.append(contentsOf: result.extra)
                return .object(pairs)
            })
            io.stdout.write(JSON.encode(array, pretty: io.terminal.stdoutIsTTY) + "\n")
        case .csv, .tsv:
            var t = Table([Column("id", L("ID", "ID")), Column("result", L("RESULT", "РЕЗУЛЬТАТ")),
                           Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("error", L("ERROR", "ОШИБКА"))])
            for r in results {
                t.append([Cell(.text(r.id)), Cell(.text(r.outcome.rawValue)), Cell(.of(r.status)),
                          Cell(r.error.map { .text(texts.render($0.message)) } ?? .null)])
            }
            delimited(t)
        }
        if format != .table {
            // the data on stdout says which failed; stderr still says why, as scripts expect
            for result in results where result.outcome == .failed {
                if let error = result.error { self.error(error) }
            }
        }
    }

    private func idValue(_ id: String) -> Value {
        if let n = Int64(id) { return .int(n) }
        return .text(id)
    }

    // MARK: JSON

    public func json(_ table: Table) -> Value {
        let keys = table.columns.enumerated().filter { $0.element.visibility != .humanOnly }
        return .array(table.rows.map { row in
            .object(keys.map { ($0.element.key, row[$0.offset].value) })
        })
    }

    public func json(_ record: Record) -> Value {
        var pairs = record.machineFields.map { ($0.key, $0.cell.value) }
        for section in record.sections where !section.flattenedForMachines {
            switch section.content {
            case .table(let t): pairs.append((section.key, json(t)))
            case .record(let r): pairs.append((section.key, json(r)))
            case .lines: pairs.append((section.key, section.value ?? .null))
            }
        }
        return .object(pairs)
    }

    // MARK: CSV / TSV

    func delimited(_ table: Table) {
        let columns = table.columns.enumerated().filter { $0.element.visibility != .humanOnly }
        let separator = format == .tsv ? "\t" : ","
        if header { io.stdout.write(columns.map { field(.text($0.element.key)) }.joined(separator: separator) + "\n") }
        for row in table.rows {
            io.stdout.write(columns.map { field(row[$0.offset].value) }.joined(separator: separator) + "\n")
        }
    }

    /// One value as a CSV or TSV field. CSV is for spreadsheets: a text that a spreadsheet would
    /// take for a formula is neutralised; TSV is for scripts and stays exact.
    func field(_ value: Value) -> String {
        if format == .tsv { return Self.tsvField(value.plain) }
        return CSVWriter.field(Self.spreadsheetSafe(value), delimiter: ",")
    }

    /// A cell that starts with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'`, so that a
    /// spreadsheet shows it as text and never runs it (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`;
    /// OWASP's CSV injection advice). Decided by the value's type, not by its text: a number we
    /// wrote (`-1520` kopecks of debt) stays a number; a text that looks like one (`+79815676522`)
    /// is text and gets the quote.
    static func spreadsheetSafe(_ value: Value) -> String {
        let text = value.plain
        switch value {
        case .null, .bool, .int, .double, .object: return text
        case .text, .array:
            guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
            return "'" + text
        }
    }

    /// TSV has no quoting: a backslash, a tab and line breaks inside a value are escaped
    /// (`\\`, `\t`, `\n`, `\r`), as PostgreSQL's text format and `sqlite3 -tabs` readers expect,
    /// so that a value from a web form with CRLF stays one field of one row.
    static func tsvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 || $0 == 92 }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    // MARK: people

    func humanTable(_ table: Table, indent: String) {
        let all = table.columns.enumerated().filter { $0.element.visibility != .machineOnly }
        guard !all.isEmpty else { return }
        // a cell is one line: whatever it holds, a table row stays one row on the screen
        let allTexts = table.rows.map { row in all.map { UntrustedText.visible(row[$0.offset].text) } }
        var natural = all.map { DisplayWidth.of($0.element.header(lang)) }
        for row in allTexts {
            for i in row.indices { natural[i] = max(natural[i], DisplayWidth.of(row[i])) }
        }
        // On a terminal the table fits its width by one rule (TableLayout.fit): the least useful
        // columns go first, then free text is cut; a date, a phone, an amount or a state never is.
        let layout = TableLayout.fit(all.map(\.element), natural: natural,
                                     available: io.terminal.stdoutIsTTY ? io.terminal.width - indent.count : nil)
        let columns = layout.shown.map { all[$0] }
        let widths = layout.widths
        let headers = columns.map { $0.element.header(lang) }
        let shownTexts = allTexts.map { row in layout.shown.map { row[$0] } }
        func line(_ cells: [(String, Style)]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let column = columns[i].element
                var text = column.cut == nil ? cell.0 : DisplayWidth.truncate(cell.0, to: widths[i])
                let isLast = i == cells.count - 1
                if column.alignment == .right {
                    text = DisplayWidth.pad(text, to: widths[i], right: true)
                } else if !isLast {
                    text = DisplayWidth.pad(text, to: widths[i])
                }
                parts.append(paint(text, cell.1, stream: .stdout))
            }
            // an empty last cell leaves no padding behind: a line is never wider than its text
            // (the spaces taken off its end alone: reversing the whole line twice cost `status` 2 ms)
            var text = parts.joined(separator: "  ")
            while text.utf8.last == UInt8(ascii: " ") { text.removeLast() }
            return indent + text
        }
        io.stdout.write(line(headers.map { ($0, .bold) }) + "\n")
        for (row, text) in zip(table.rows, shownTexts) {
            io.stdout.write(line(columns.indices.map { (text[$0], row[columns[$0].offset].style) }) + "\n")
        }
        let footerWidth = max(20, io.terminal.width - indent.count)
        if let footer = table.footer, !quiet {
            let text = UntrustedText.visible(footer)
            for piece in io.terminal.stdoutIsTTY ? DisplayWidth.wrap(text, to: footerWidth) : [text] {
                io.stdout.write(indent + paint(piece, .dim, stream: .stdout) + "\n")
            }
        }
        let hidden = all.indices.filter { !layout.shown.contains($0) }.map { all[$0].element.header(lang) }
        if !hidden.isEmpty, !table.rows.isEmpty, !quiet {
            let note = texts.render(.tableColumnsHidden, .text(hidden.joined(separator: ", ")))
            for piece in DisplayWidth.wrap(note, to: footerWidth) {
                io.stdout.write(indent + paint(piece, .dim, stream: .stdout) + "\n")
            }
        }
    }

    func humanRecord(_ record: Record, indent: String) {
        let fields = record.fields.filter(\.shownToPeople)
        let labelWidth = (fields.map { DisplayWidth.of($0.label(lang)) }.max() ?? 0) + 1
        let valueWidth = max(20, io.terminal.width - indent.count - labelWidth - 2)
        for field in fields {
            let label = DisplayWidth.pad(field.label(lang) + ":", to: labelWidth)
            // a field is one line: a line break in a name or an address is shown escaped, as every
            // other control (a message body is a section of lines)
            let plain = [UntrustedText.visible(field.cell.text)]
            let lines = io.terminal.stdoutIsTTY ? plain.flatMap { DisplayWidth.wrap($0, to: valueWidth) } : plain
            let pad = String(repeating: " ", count: labelWidth + 2)
            for (i, text) in lines.enumerated() {
                let head = i == 0 ? indent + paint(label, .bold, stream: .stdout) + "  " : indent + pad
                io.stdout.write(head + paint(text, field.cell.style, stream: .stdout) + "\n")
            }
        }
        let shown = record.sections.filter { section in
            if section.hiddenWhenEmpty, case .table(let t) = section.content, t.rows.isEmpty { return false }
            return true
        }
        for section in shown {
            if !fields.isEmpty || section.key != shown.first?.key {
                io.stdout.write("\n")
            }
            io.stdout.write(indent + paint(section.title(lang).uppercased(), .bold, stream: .stdout) + "\n")
            switch section.content {
            case .table(let t):
                if t.rows.isEmpty {
                    io.stdout.write(indent + "  " + paint("—", .dim, stream: .stdout) + "\n")
                } else {
                    humanTable(t, indent: indent + "  ")
                }
            case .record(let r): humanRecord(r, indent: indent + "  ")
            case .lines(let lines):
                let width = max(20, io.terminal.width - indent.count - 2)
                for line in lines.flatMap(UntrustedText.visibleLines) {
                    let wrapped = io.terminal.stdoutIsTTY && !section.preformatted ? DisplayWidth.wrap(line, to: width) : [line]
                    for piece in wrapped { io.stdout.write(indent + "  " + piece + "\n") }
                }
            }
        }
    }

    // MARK: colour

    public enum Stream { case stdout, stderr }

    /// ANSI colour only on a terminal, and never with NO_COLOR or --no-color.
    public func paint(_ text: String, _ style: Style, stream: Stream) -> String {
        guard color, style != .plain, !text.isEmpty else { return text }
        let onTTY = stream == .stdout ? io.terminal.stdoutIsTTY : io.terminal.stderrIsTTY
        guard onTTY else { return text }
        let code: String
        switch style {
        case .plain: return text
        case .bold: code = "1"
        case .dim: code = "2"
        case .red: code = "31"
        case .green: code = "32"
        case .yellow: code = "33"
        case .cyan: code = "36"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

/// Rows-per-second progress on stderr, only when stderr is a terminal.
public final class Progress {
    let output: Output
    var label: String
    let total: Int64?
    var start: Date
    var last: Date
    let enabled: Bool

    /// What is counted: rows (`progressRows`) or messages (`progressMessages`).
    let counting: MessageKey

    public init(_ output: Output, label: String, total: Int64? = nil, counting: MessageKey = .progressRows) {
        self.output = output
        self.counting = counting
        self.label = label
        self.total = total
        self.start = Date()
        self.last = .distantPast
        self.enabled = output.io.terminal.stderrIsTTY && !output.quiet
    }

    /// A new stage of the work: a new label, and the rate counted from now.
    public func relabel(_ label: String) {
        self.label = label
        start = Date()
        if last != .distantPast { last = start }    // the first rate of a stage waits for a sample
    }

    /// `done` rows so far; `fraction` of the work if known (bytes read / file size).
    public func update(_ done: Int64, fraction: Double? = nil) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.2 else { return }
        last = now
        let rate = Double(done) / max(0.001, now.timeIntervalSince(start))
        var text = output.texts.render(counting, .text(label), .int(Int(done)), .int(Int(rate)))
        if let fraction {
            text += String(format: "  %3.0f%%", fraction * 100)
            // the time left at the rate so far
            if fraction > 0.001 && fraction < 1 && rate > 0 {
                text += "  " + output.texts.render(.progressLeft, .int(Int((Double(done) / fraction - Double(done)) / rate) + 1))
            }
        }
        output.io.stderr.write("\r\u{1B}[K" + text)
        output.io.stderr.flush()
    }

    public func finish() {
        guard enabled, last != .distantPast else { return }
        output.io.stderr.write("\r\u{1B}[K")
        output.io.stderr.flush()
    }
}
