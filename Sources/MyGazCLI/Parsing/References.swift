import MyGazCore

extension OptionSpec {
    /// Every action that reads references from stdin has it: which field of a CSV or TSV line
    /// holds the reference (a line is otherwise the reference, whole).
    static let referenceColumn = OptionSpec(.column, value: "N|NAME",
        L("with -: the field of each stdin line that holds the reference (1 is the first; a NAME is looked up in the header line)",
          "с -: поле каждой строки стандартного ввода, где ссылка (1 — первое; ИМЯ ищется в строке заголовка)"))
}

/// The references an action reads from stdin (`-`). A line is one reference, read whole and
/// trimmed: `8 910 000-26-65` is a phone, not user 8, and `+7 … # Сорокин` is not a reference
/// at all. Blank lines and lines starting with `#` are skipped. A line with several fields
/// (TAB, `;` or `,`) is refused unless `--column` says which field to take; a header line is
/// skipped when `--column` names one of its fields. A first line that is the `id` column's name
/// alone (a list's id column piped with its header: `cut -d, -f1`, issue 41) is a header too, and
/// skipped; a whole list with several fields still needs `--column` to say which to take.
enum StdinReferences {
    /// The header a list's CSV, TSV or `--columns id` output starts with.
    static let idHeader = "id"

    struct Line: Equatable {
        let number: Int
        let text: String
    }

    static func lines(_ input: InputSource, column given: String?) throws -> [Line] {
        var lines: [Line] = []
        var number = 0
        var field: Int?
        var delimiter: Character?
        let column = given
        var first = true
        while var text = input.readLine() {
            number += 1
            if number == 1 && text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if first && column == nil {
                first = false
                let names = split(trimmed, by: ",")
                if names.count == 1 && names[0].lowercased() == idHeader { continue }
            }
            first = false
            guard let column else {
                guard !trimmed.contains(where: { $0 == "\t" || $0 == ";" || $0 == "," }) else {
                    throw MyGazError.invalid(.stdinFields, .int(number), .text(trimmed))
                }
                lines.append(Line(number: number, text: trimmed))
                continue
            }
            let separator = delimiter ?? (trimmed.contains("\t") ? "\t" : trimmed.contains(";") ? ";" : ",")
            delimiter = separator
            let fields = split(trimmed, by: separator)
            if field == nil {
                if let n = Int(column), n >= 1 {
                    field = n - 1
                } else {
                    // the first line is the header, and must name the column
                    let wanted = column.lowercased()
                    guard let index = fields.firstIndex(where: { $0.lowercased() == wanted }) else {
                        throw MyGazError.invalid(.stdinNoColumn, .int(number), .text(trimmed), .text(column))
                    }
                    field = index
                    continue
                }
            }
            guard let index = field, index < fields.count, !fields[index].isEmpty else {
                throw MyGazError.invalid(.stdinShortLine, .int(number), .text(trimmed), .int((field ?? 0) + 1))
            }
            lines.append(Line(number: number, text: fields[index]))
        }
        return lines
    }

    /// The fields of a CSV/TSV line, trimmed; a field may be quoted ("a;b", with "" for a quote).
    static func split(_ line: String, by delimiter: Character) -> [String] {
        var fields: [String] = [], current = "", quoted = false, wasQuoted = false
        var chars = Array(line), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && current.trimmingCharacters(in: .whitespaces).isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
                current = ""
            } else if c == delimiter {
                fields.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
                current = ""
                wasQuoted = false
            } else if !wasQuoted || !c.isWhitespace {
                current.append(c)
            }
            i += 1
        }
        fields.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
        chars.removeAll()
        return fields
    }
}
