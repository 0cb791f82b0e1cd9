import Foundation

/// An RFC 5322 message in UTF-8: encoded-word headers, a base64 body.
public struct MailMessage: Sendable {
    public var from: (name: String, address: String)
    public var to: String
    public var subject: String
    public var body: String
    public var date: Int64
    public var messageID: String
    /// Where an answer goes: the RGK's own address.
    public var replyTo: String?
    /// Files sent with the text (a bill's PDF): the message becomes multipart/mixed.
    public var attachments: [(name: String, type: String, data: [UInt8])] = []

    public init(from: (name: String, address: String), to: String, subject: String, body: String, date: Int64, messageID: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
    }

    public var rendered: String {
        var lines: [String] = []
        // a display name is one encoded-word: parsers disagree on the space between folded
        // words inside a phrase (Python's email package inserts one), none on a single word
        lines.append("From: \(MailMessage.encodedWord(MailMessage.oneLine(from.name), fold: false)) <\(MailMessage.oneLine(from.address))>")
        lines.append("To: \(MailMessage.oneLine(to))")
        if let replyTo { lines.append("Reply-To: \(MailMessage.oneLine(replyTo))") }
        lines.append("Subject: \(MailMessage.encodedWord(MailMessage.oneLine(subject)))")
        lines.append("Date: \(MailMessage.rfc5322Date(date))")
        lines.append("Message-ID: \(messageID)")
        lines.append("MIME-Version: 1.0")
        let text = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        guard !attachments.isEmpty else {
            lines.append("Content-Type: text/plain; charset=UTF-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(text)
            return lines.joined(separator: "\n") + "\n"
        }
        // a boundary that cannot occur in base64 text (it holds a character base64 never uses)
        let boundary = "=_mygaz_" + messageID.filter { $0.isLetter || $0.isNumber }.suffix(24)
        lines.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("--\(boundary)")
        lines.append("Content-Type: text/plain; charset=UTF-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines.append(text)
        for file in attachments {
            let name = MailMessage.oneLine(file.name)
            let ascii = name.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" }
            // RFC 2231 for a name in Cyrillic, with a plain fallback for old readers
            let disposition = ascii ? "attachment; filename=\"\(name)\""
                : "attachment; filename*=UTF-8''\(MailMessage.percentEncoded(name))"
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(MailMessage.oneLine(file.type))" + (ascii ? "; name=\"\(name)\"" : ""))
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("Content-Disposition: \(disposition)")
            lines.append("")
            lines.append(Data(file.data).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]))
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Header values never carry a line break or any other control (no header injection from
    /// data). Judged by scalars: "\r\n" is one Character and equals neither "\r" nor "\n"; NEL,
    /// U+2028 and U+2029 break lines for some readers; bidi overrides would disguise a subject.
    static func oneLine(_ text: String) -> String {
        UntrustedText.blanked(text)
    }

    /// RFC 2047: ASCII stays as it is; anything else becomes `=?UTF-8?B?…?=` words of at
    /// most 75 characters, split between characters, folded onto continuation lines.
    public static func encodedWord(_ text: String, fold: Bool = true) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) && !text.contains("=?") && !text.contains("\"") { return text }
        if !fold { return "=?UTF-8?B?" + Data(text.utf8).base64EncodedString() + "?=" }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\n ")
    }

    /// RFC 3986 percent-encoding of UTF-8, unreserved characters kept.
    static func percentEncoded(_ text: String) -> String {
        text.utf8.map { b -> String in
            let c = Character(UnicodeScalar(b))
            return b < 128 && (c.isLetter || c.isNumber || "-._~".contains(c)) ? String(c) : String(format: "%%%02X", b)
        }.joined()
    }

    /// `Sun, 22 Nov 2026 04:30:00 +0000`
    public static func rfc5322Date(_ epoch: Int64) -> String {
        let day = Day(epochSeconds: epoch)
        let seconds = epoch - Int64(day.daysSinceEpoch) * 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((day.daysSinceEpoch % 7) + 7) % 7]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][day.month - 1]
        return "\(weekday), \(pad2(day.day)) \(month) \(day.year) \(pad2(Int(seconds / 3600))):\(pad2(Int(seconds / 60 % 60))):\(pad2(Int(seconds % 60))) +0000"
    }
}
