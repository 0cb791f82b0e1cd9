import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a file is before its rows are read: the encoding from its first 64 KiB (a BOM, or
/// bytes that cannot be UTF-8), the delimiter from its header line. The whole file is checked
/// again as the checking pass reads it.
struct ImportProbe {
    let bytes: [UInt8]
    let hasBOM: Bool
    /// The first 64 KiB could be UTF-8 (a sequence cut by the end of the block is fine).
    let prefixIsUTF8: Bool

    init(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MyGazError(.notFound, .fileUnreadable, .text(path)) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var n = 0
        repeat { n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } } while n < 0 && errno == EINTR
        guard n >= 0 else { throw MyGazError(.database, .fileReadError, .text(path), .text(String(cString: strerror(errno)))) }
        buffer.removeLast(buffer.count - n)
        var validator = TextEncoding.UTF8Validator()
        buffer.withUnsafeBufferPointer { validator.feed($0) }
        bytes = buffer
        hasBOM = buffer.starts(with: [0xEF, 0xBB, 0xBF])
        prefixIsUTF8 = validator.valid
    }

    func encoding(_ choice: EncodingChoice) -> FileEncoding {
        switch choice {
        case .utf8: return .utf8
        case .cp1251: return .cp1251
        case .auto: return hasBOM || prefixIsUTF8 ? .utf8 : .cp1251
        }
    }

    /// Bytes to step over at the start: a UTF-8 byte-order mark.
    func skip(_ encoding: FileEncoding) -> Int { hasBOM && encoding == .utf8 ? 3 : 0 }

    func delimiter(_ given: UInt8?, skip: Int) -> UInt8 {
        given ?? CSVReader.detectDelimiter(headerBytes: Array(bytes.dropFirst(skip)))
    }
}

/// The header of a file matched with a kind's columns.
struct ImportHeader {
    /// logical column → field index in the file
    let map: [Int?]
    /// the header's spelling of each logical column, for messages
    let names: [String]
    let fileColumns: Int
    let fileHeader: [String]

    /// The columns a rejects file masks: the kind's secrets (PINs), where the file has them.
    func masked(_ columns: [ImportColumn]) -> Set<Int> {
        Set(zip(columns, map).compactMap { $0.0.isSecret ? $0.1 : nil })
    }

    init(_ record: CSVRecord, decoder: Decoder, columns: [ImportColumn], kind: ImportKind, file: String, rgkGiven: Bool) throws {
        var utf8: [UInt8] = [], ends: [Int] = []
        guard decoder.decode(record, into: &utf8, ends: &ends) else {
            throw MyGazError.invalid(.importBadHeader, .text(file), .text(decoder.encoding.rawValue))
        }
        let names = (0..<ends.count).map { i in
            String(decoding: utf8[(i == 0 ? 0 : ends[i - 1])..<ends[i]], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        let normalized = names.map(ImportColumn.normalize)
        var map: [Int?] = []
        var display: [String] = []
        for column in columns {
            let matches = normalized.indices.filter { column.names.contains(normalized[$0]) }
            if matches.count > 1 {
                throw MyGazError.invalid(.importDuplicateColumn, .text(file), .text(column.key))
            }
            map.append(matches.first)
            display.append(matches.first.map { names[$0] } ?? column.key)
            let fillable = column.key == "rgk" && rgkGiven
            if column.required || (column.key == "rgk" && kind != .rgk && !rgkGiven) {
                if matches.isEmpty && !fillable {
                    if column.key == "rgk" { throw MyGazError.invalid(.importMissingRGKColumn, .text(file), .text(decoder.encoding.rawValue)) }
                    throw MyGazError.invalid(.importMissingColumn, .text(file), .text(column.key),
                                             .text(column.aliases.first.map { "«\($0)»" } ?? ""), .text(decoder.encoding.rawValue))
                }
            }
        }
        self.map = map
        self.names = display
        fileColumns = names.count
        fileHeader = names
    }
}
