/// RFC 4180 output: the one quoting rule for exports, rejects files and `--format csv`.
public enum CSVWriter {
    /// A field, quoted when it holds the delimiter, a quote or a line break.
    public static func field(_ text: String, delimiter: Character) -> String {
        if text.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// A record with CRLF, as Excel and 1C write them.
    public static func line(_ fields: [String], delimiter: Character = ";") -> String {
        fields.map { field($0, delimiter: delimiter) }.joined(separator: String(delimiter)) + "\r\n"
    }

    /// The bytes of a line in the file's encoding.
    public static func bytes(_ line: String, _ encoding: FileEncoding) -> [UInt8] {
        encoding == .cp1251 ? TextEncoding.cp1251(line) : Array(line.utf8)
    }
}
