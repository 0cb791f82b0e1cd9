import MyGazCore

/// A value for machines (JSON, CSV) — the human text is derived or given separately.
public indirect enum Value: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case text(String)
    case array([Value])
    case object([(String, Value)])

    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.text(let x), .text(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public static func of(_ s: String?) -> Value { s.map(Value.text) ?? .null }
    public static func of(_ n: Int?) -> Value { n.map { .int(Int64($0)) } ?? .null }
    public static func of(_ n: Int64?) -> Value { n.map(Value.int) ?? .null }
    public static func of(_ d: Double?) -> Value { d.map(Value.double) ?? .null }

    /// The plain text of a scalar, for CSV/TSV and default table cells.
    public var plain: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let n): return String(n)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .text(let s): return s
        case .array(let items): return items.map(\.plain).joined(separator: ",")
        case .object: return JSON.encode(self)
        }
    }
}

/// Text styles; applied only when colour is on.
public enum Style: Sendable, Equatable {
    case plain, bold, dim, red, green, yellow, cyan
}

/// One cell: the machine value, and optionally what a person sees instead.
public struct Cell: Sendable {
    public var value: Value
    public var display: String?
    public var style: Style

    public init(_ value: Value, display: String? = nil, style: Style = .plain) {
        self.value = value
        self.display = display
        self.style = style
    }

    public var text: String { display ?? value.plain }
}

public struct Column: Sendable {
    public enum Visibility: Sendable { case everywhere, humanOnly, machineOnly }
    public enum Alignment: Sendable { case left, right }
    public let key: String
    public let header: L
    public let alignment: Alignment
    public let visibility: Visibility
    /// Free text (a name, an address, a subject) may be cut with «…» down to this many columns
    /// when a table is too wide for the terminal; nil: the value is shown whole or not at all
    /// (a date, a phone, an amount, a state, an id — never cut mid-value).
    public let cut: Int?
    /// 0: always shown. A table too wide for the terminal drops its columns of the highest
    /// priority number first (as `ps` and `kubectl` do), before it cuts any text.
    public let priority: Int

    public init(_ key: String, _ header: L, align: Alignment = .left, _ visibility: Visibility = .everywhere,
                cut: Int? = nil, priority: Int = 0) {
        self.key = key
        self.header = header
        self.alignment = align
        self.visibility = visibility
        self.cut = cut
        self.priority = priority
    }
}

/// How a table fits a terminal: which columns are shown and how wide each is.
public struct TableLayout: Equatable, Sendable {
    /// The indexes (into the columns given) shown, in order.
    public var shown: [Int]
    /// The width of each shown column.
    public var widths: [Int]

    public static let gap = 2

    /// One rule for every table: a value is never cut mid-figure. Columns are dropped by their
    /// priority (the highest number first, the rightmost of equals) until what is left fits with
    /// its free text cut to its minimum; then free text is cut, the widest first, only as far as
    /// needed (a column dropped on the way comes back if it fits beside the rest). What cannot fit even so (every column essential) is shown whole: the terminal
    /// wraps it, nothing is hidden or cut.
    public static func fit(_ columns: [Column], natural: [Int], available: Int?) -> TableLayout {
        var shown = Array(columns.indices)
        guard let available else { return TableLayout(shown: shown, widths: natural) }
        func least(_ i: Int) -> Int { columns[i].cut.map { min(natural[i], $0) } ?? natural[i] }
        func total(_ widths: [Int]) -> Int { widths.reduce(0, +) + gap * max(0, widths.count - 1) }
        while total(shown.map(least)) > available,
              let victim = shown.filter({ columns[$0].priority > 0 })
                  .max(by: { (columns[$0].priority, $0) < (columns[$1].priority, $1) }) {
            shown.removeAll { $0 == victim }
        }
        // a column dropped on the way may fit beside what is left: the more useful first
        for back in columns.indices.filter({ !shown.contains($0) }).sorted(by: { (columns[$0].priority, $0) < (columns[$1].priority, $1) }) {
            let trial = (shown + [back]).sorted()
            if total(trial.map(least)) <= available { shown = trial }
        }
        var widths = shown.map { natural[$0] }
        while total(widths) > available {
            let cuttable = widths.indices.filter { widths[$0] > least(shown[$0]) }
            guard let widest = cuttable.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        return TableLayout(shown: shown, widths: widths)
    }
}

/// Rows under named columns: every list the program prints.
public struct Table: Sendable {
    public var columns: [Column]
    public var rows: [[Cell]]
    /// A line shown under a human table (e.g. "showing 50 of 1 204; use --limit").
    public var footer: String?

    public init(_ columns: [Column], rows: [[Cell]] = [], footer: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.footer = footer
    }

    public mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }
}

/// One object shown in full (`show` commands): labelled fields, then titled sections.
public struct Record: Sendable {
    public struct Field: Sendable {
        public let key: String
        public let label: L
        public let cell: Cell
        public var visibility: Column.Visibility = .everywhere
        /// People see the field only when it has a value; machines always get the key (null).
        public var hiddenWhenNull = false

        var shownToPeople: Bool {
            visibility != .machineOnly && !(hiddenWhenNull && cell.value == .null)
        }
    }
    public enum Content: Sendable {
        case table(Table)
        case record(Record)
        case lines([String])     // human only; JSON gets the value
    }
    public struct Section: Sendable {
        public let key: String
        public let title: L
        public let content: Content
        public let value: Value?  // machine value for `.lines`
        /// A record section whose fields machines read beside the record's own (a heading for people only).
        public var flattenedForMachines = false
        /// People see no heading for an empty table; machines always get the key (an empty array).
        public var hiddenWhenEmpty = false
        /// Lines laid out in columns (a chart): shown as they are on a terminal too, never wrapped
        /// between words (which would drop their leading spaces and break the columns).
        public var preformatted = false
    }

    public var fields: [Field] = []
    public var sections: [Section] = []

    public init() {}

    public mutating func field(_ key: String, _ label: L, _ value: Value, display: String? = nil, style: Style = .plain,
                               _ visibility: Column.Visibility = .everywhere, hiddenWhenNull: Bool = false) {
        fields.append(Field(key: key, label: label, cell: Cell(value, display: display, style: style),
                            visibility: visibility, hiddenWhenNull: hiddenWhenNull))
    }

    /// The fields machines read: the record's own and those of its flattened sections.
    var machineFields: [Field] {
        fields.filter { $0.visibility != .humanOnly } + sections.flatMap { section -> [Field] in
            guard section.flattenedForMachines, case .record(let inner) = section.content else { return [] }
            return inner.machineFields
        }
    }

    /// One row of a list as a record (`show` of an entity whose list says it all): each column a
    /// field, its header as the label («МЕСТО ОПЛАТЫ» reads «Место оплаты»; ID and РГК stay).
    public init(row cells: [Cell], of columns: [Column]) {
        func label(_ header: String) -> String {
            ["ID", "RGK", "РГК"].contains(header) ? header : header.prefix(1) + header.dropFirst().lowercased()
        }
        for (column, cell) in zip(columns, cells) where column.visibility != .humanOnly {
            fields.append(Field(key: column.key, label: L(label(column.header.en), label(column.header.ru)), cell: cell))
        }
    }

    public mutating func section(_ key: String, _ title: L, _ table: Table, hiddenWhenEmpty: Bool = false) {
        sections.append(Section(key: key, title: title, content: .table(table), value: nil, hiddenWhenEmpty: hiddenWhenEmpty))
    }

    public mutating func section(_ key: String, _ title: L, _ record: Record, flattenedForMachines: Bool = false) {
        sections.append(Section(key: key, title: title, content: .record(record), value: nil, flattenedForMachines: flattenedForMachines))
    }

    public mutating func section(_ key: String, _ title: L, lines: [String], preformatted: Bool = false, value: Value) {
        sections.append(Section(key: key, title: title, content: .lines(lines), value: value, preformatted: preformatted))
    }
}

/// The outcome of an action on one id: `{"id":…,"result":"changed|unchanged|failed","status":…,"error":…}`.
public struct ActionResult: Sendable {
    public enum Outcome: String, Sendable { case changed, unchanged, failed }
    public let id: String
    public let outcome: Outcome
    public let status: String?
    public let error: MyGazError?
    /// The line a person reads for this id (changed/unchanged).
    public let human: Message?
    public let extra: [(String, Value)]

    public init(id: String, outcome: Outcome, status: String?, error: MyGazError? = nil,
                human: Message? = nil, extra: [(String, Value)] = []) {
        self.id = id
        self.outcome = outcome
        self.status = status
        self.error = error
        self.human = human
        self.extra = extra
    }
}

extension Cell {
    /// A stored code: machines get the code, people its label in their language.
    static func code(_ domain: CodeDomain, _ code: String?, _ texts: Texts, style: Style = .plain, empty: String = "—") -> Cell {
        Cell(.of(code), display: code.map { texts.label(domain, $0) } ?? empty, style: style)
    }

    /// A phone number: machines get it as stored (`+79815676522`), people as written (`+7 (981) 567-65-22`).
    static func phone(_ phone: String?, empty: String = "") -> Cell {
        Cell(.of(phone), display: phone.map(Format.phone) ?? empty)
    }

    /// A decimal quantity (m², m³/h): the locale's decimal separator for people.
    static func decimal(_ value: Double?, _ lang: Lang, empty: String = "—") -> Cell {
        Cell(.of(value), display: value.map { Format.decimal($0, lang) } ?? empty)
    }
}
