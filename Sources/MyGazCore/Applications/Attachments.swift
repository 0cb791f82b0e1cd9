import Foundation

/// A file attached to an application or a ticket: pdf, jpeg or png by its bytes, at most 10 MiB.
public struct NewAttachment: Sendable {
    public let name: String
    public let type: AttachmentType
    public let bytes: [UInt8]

    public static let maxBytes = 10 * 1024 * 1024

    /// Checks a file the clerk gives: its type is what its bytes say, not its name.
    public static func read(path: String) throws -> NewAttachment {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MyGazError(.notFound, .fileMissing, .text(path))
        }
        let size = Maintenance.fileSize(path)
        guard size <= Int64(maxBytes) else {
            throw MyGazError.invalid(.attachmentTooLarge, .text(path), .int(Int(size / 1024 / 1024)))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MyGazError(.notFound, .fileUnreadable, .text(path))
        }
        let name = (path as NSString).lastPathComponent
        return try make(name: name, bytes: [UInt8](data))
    }

    public static func make(name: String, bytes: [UInt8]) throws -> NewAttachment {
        guard !bytes.isEmpty else { throw MyGazError.invalid(.attachmentEmpty, .text(name)) }
        guard bytes.count <= maxBytes else { throw MyGazError.invalid(.attachmentTooLarge, .text(name), .int(bytes.count / 1024 / 1024)) }
        guard let type = sniff(bytes) else { throw MyGazError.invalid(.attachmentType, .text(name)) }
        let clean = name.replacingOccurrences(of: "/", with: "_").trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty, !clean.contains("\0") else { throw MyGazError.invalid(.attachmentType, .text(name)) }
        return NewAttachment(name: clean, type: type, bytes: bytes)
    }

    /// The type by magic bytes: `%PDF-`, JPEG's SOI marker, PNG's signature.
    public static func sniff(_ bytes: [UInt8]) -> AttachmentType? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }
}

public struct AttachmentInfo: Sendable {
    public let id: Int64
    public let name: String
    public let type: String
    public let size: Int
    public let sha256: String
    public let createdAt: String
}

public enum Attachments {
    public enum Owner: Sendable {
        case application(Int64)
        case ticket(Int64)

        var table: String {
            switch self {
            case .application: return "application"
            case .ticket: return "ticket"
            }
        }
        var column: String { table + "_id" }
        var entity: Entity { Entity(rawValue: table)! }
        var id: Int64 {
            switch self {
            case .application(let id), .ticket(let id): return id
            }
        }
    }

    static func store(_ session: Session, _ owner: Owner, _ files: [NewAttachment]) throws {
        for file in files {
            if try session.db.queryOne("SELECT 1 FROM attachment WHERE \(owner.column) = ? AND name = ?", owner.id, file.name) != nil {
                throw MyGazError(.conflict, .attachmentExists, .text(file.name))
            }
            try session.db.run("""
                INSERT INTO attachment (\(owner.column), name, content_type, size, sha256, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, owner.id, file.name, file.type.rawValue, file.bytes.count, SHA256.hex(file.bytes), file.bytes, session.now)
        }
    }

    public static func list(_ db: any Storage, _ owner: Owner) throws -> [AttachmentInfo] {
        try db.query("""
            SELECT id, name, content_type, size, sha256, created_at FROM attachment WHERE \(owner.column) = ? ORDER BY id
            """, owner.id).map {
            try AttachmentInfo(id: $0.int64("id"), name: $0.string("name"), type: $0.string("content_type"), size: $0.int("size"),
                               sha256: $0.string("sha256"), createdAt: $0.string("created_at"))
        }
    }

    /// An attachment's bytes; a missing application or ticket is named before a missing file.
    public static func content(_ db: any Storage, _ owner: Owner, name: String) throws -> [UInt8] {
        guard try db.queryOne("SELECT 1 FROM \(owner.table) WHERE id = ?", owner.id) != nil else {
            throw MyGazError.notFound(owner.entity, String(owner.id))
        }
        guard let row = try db.queryOne("SELECT content FROM attachment WHERE \(owner.column) = ? AND name = ?", owner.id, name) else {
            throw MyGazError.notFound(.attachment, name)
        }
        return try row.bytes("content")
    }
}
