/// RFC 4180 output: the one quoting rule for exports, rejects files and `--format csv`.
public enum CSVWriter {
    /// A field, quoted when it holds the delimiter, a quote or a line break.
    public static func field(_ text: String, delimiter: Character) -> String {
        // by scalar, not by Character: "\r\n" is one Character, and so is a delimiter followed by
        // a combining mark, and neither equals "\n" or ";"
        let special: Set<Unicode.Scalar> = [delimiter.unicodeScalars.first!, "\"", "\n", "\r"]
        if text.unicodeScalars.contains(where: { special.contains($0) }) {
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
