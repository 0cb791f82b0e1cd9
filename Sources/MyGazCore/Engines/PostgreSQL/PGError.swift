import CLibpq
import Foundation

/// PostgreSQL's SQLSTATEs in the engine-neutral words of `EngineError.Kind`, by class where a
/// whole class means one thing (appendix A of the PostgreSQL manual).
enum PGErrorMap {
    static func kind(sqlstate: String) -> EngineError.Kind {
        switch sqlstate {
        case "40001", "40P01": return .conflict                 // serialization failure, deadlock
        case "23505": return .uniqueViolation
        case "53100": return .diskFull
        case "3D000": return .noSuchDatabase
        case "25006": return .readOnly                          // read_only_sql_transaction
        case "42501": return .denied                            // insufficient_privilege
        case "55P03", "57014": return .busy                     // lock_not_available; a lock or statement timeout
        case "57P01", "57P02", "57P03": return .unreachable     // shut down by an admin, crash, cannot connect now
        case "53300": return .unreachable                       // too many connections: the server takes no more
        case "42P01", "42703", "42883", "42P02": return .schemaMismatch  // no such table, column, function
        case "58030", "XX001", "XX002": return .io              // io_error, data_corrupted, index_corrupted
        case "22021": return .badValue                          // character_not_in_repertoire (a NUL, bad UTF-8)
        case "P0001": return .refusedByTrigger                  // raise_exception: a trigger's RAISE EXCEPTION
        case "08P01": return .other                             // a statement given the wrong number of values: ours
        default: break
        }
        switch sqlstate.prefix(2) {
        case "23": return .constraint
        case "08": return .unreachable
        case "28": return .refused
        default: return .other
        }
    }

    /// The SQLSTATE in a connection failure's message written with `PQERRORS_VERBOSE`
    /// (`…failed: FATAL:  28000: role "x" does not exist`): libpq keeps no result for a failed
    /// connection, and the severity's word is in the server's language, the code is not. The
    /// last one wins where several hosts were tried.
    static func sqlstate(inVerboseMessage message: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: ":  ([0-9A-Z]{5}): ") else { return nil }
        let range = NSRange(message.startIndex..., in: message)
        guard let match = regex.matches(in: message, range: range).last,
              let code = Range(match.range(at: 1), in: message) else { return nil }
        return String(message[code])
    }

    /// The verbose message made plain: no `LOCATION:` lines, no SQLSTATE after the severity, one line.
    static func plain(verboseMessage message: String) -> String {
        var lines = message.split(separator: "\n").filter { !$0.hasPrefix("LOCATION:") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        lines = lines.map { line in
            guard let regex = try? NSRegularExpression(pattern: ":  [0-9A-Z]{5}: ") else { return line }
            return regex.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line), withTemplate: ":  ")
        }
        return lines.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}

extension PGConnection {
    /// The error of a failed result (or of the connection when there is no result), mapped.
    func error(_ result: OpaquePointer?, sql: String?) -> EngineError {
        func field(_ code: UInt8) -> String? {
            guard let result, let c = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: c)
        }
        let sqlstate = field(UInt8(ascii: "C"))
        var message = field(UInt8(ascii: "M")) ?? ""
        if message.isEmpty {
            message = PQerrorMessage(handle).map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        if message.isEmpty { message = "no answer from the server" }
        var kind = sqlstate.map { PGErrorMap.kind(sqlstate: $0) } ?? .other
        // whatever the statement's error, a connection that is gone is the server's fault
        if PQstatus(handle) == CONNECTION_BAD { kind = .unreachable }
        return EngineError(kind, server: address, message: message, code: sqlstate,
                           constraint: field(UInt8(ascii: "n")), sql: sql)
    }
}
