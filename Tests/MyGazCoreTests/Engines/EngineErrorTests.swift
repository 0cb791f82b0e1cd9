@testable import MyGazCore
import Testing

@Suite struct EngineErrorTests {
    @Test(arguments: [
        ("40001", EngineError.Kind.conflict), ("40P01", .conflict),
        ("23505", .uniqueViolation), ("23503", .constraint), ("23514", .constraint), ("23502", .constraint),
        ("57P01", .unreachable), ("57P02", .unreachable), ("57P03", .unreachable), ("08006", .unreachable), ("08001", .unreachable),
        ("53100", .diskFull), ("53300", .unreachable), ("53200", .other),
        ("28000", .refused), ("28P01", .refused),
        ("3D000", .noSuchDatabase), ("25006", .readOnly), ("42501", .denied),
        ("42P01", .schemaMismatch), ("42703", .schemaMismatch), ("55P03", .busy), ("57014", .busy),
        ("58030", .io), ("22021", .badValue), ("P0001", .refusedByTrigger), ("08P01", .other), ("42601", .other), ("22P02", .other),
    ])
    func aSQLSTATEIsMappedByItsClass(_ sqlstate: String, _ kind: EngineError.Kind) {
        #expect(PGErrorMap.kind(sqlstate: sqlstate) == kind)
    }

    @Test(arguments: [
        (EngineError.Kind.unreachable, MyGazCore.ExitStatus.database), (.noSuchDatabase, .database), (.diskFull, .database),
        (.busy, .database), (.conflict, .database), (.readOnly, .database), (.io, .database), (.schemaMismatch, .database),
        (.refused, .permission), (.denied, .permission), (.badAddress, .usage), (.badValue, .invalidData),
        (.refusedByTrigger, .database), (.uniqueViolation, .internalError), (.constraint, .internalError), (.other, .internalError),
    ])
    func eachKindHasItsExitStatus(_ kind: EngineError.Kind, _ status: MyGazCore.ExitStatus) {
        let error = EngineError(kind, server: "postgresql://u:***@h/db", message: "what the server said")
        #expect(error.myGazError.status == status)
        #expect(MyGazError.from(error, path: "elsewhere").status == status, "MyGazError.from knows engine errors")
        if status != .internalError {
            // the line names the server as shown, never another path
            #expect(error.myGazError.message.args.first == .text("postgresql://u:***@h/db"))
        }
    }

    @Test func everyKindIsMapped() {
        // a new kind must be given its exit status on purpose
        #expect(EngineError.Kind.allCases.count == 16)
    }

    @Test func theSQLSTATEOfAFailedConnectionIsReadFromItsVerboseMessage() {
        let refused = """
            connection to server on socket "/tmp/x/.s.PGSQL.5432" failed: FATAL:  28000: role "nobody" does not exist
            LOCATION:  InitializeSessionUserId, miscinit.c:768

            """
        #expect(PGErrorMap.sqlstate(inVerboseMessage: refused) == "28000")
        #expect(PGErrorMap.plain(verboseMessage: refused)
                == #"connection to server on socket "/tmp/x/.s.PGSQL.5432" failed: FATAL:  role "nobody" does not exist"#)
        // the severity's word is the server's language; the code is not
        let russian = "подключиться к серверу через сокет \"/tmp/x\" не удалось: ВАЖНО:  3D000: база данных \"nodb\" не существует\n"
        #expect(PGErrorMap.sqlstate(inVerboseMessage: russian) == "3D000")
        let down = """
            connection to server on socket "/tmp/none/.s.PGSQL.5432" failed: No such file or directory
            \tIs the server running locally and accepting connections on that socket?
            """
        #expect(PGErrorMap.sqlstate(inVerboseMessage: down) == nil)
        #expect(!PGErrorMap.plain(verboseMessage: down).contains("\n"))
    }

    @Test func aNullReadIntoANonOptionalIsAnError() throws {
        let columns = Row.Columns(["id", "name", "note", "flag"], source: "db")
        let row = Row(columns: columns, values: [.integer(7), .text("Иванов"), .null, .integer(1)])
        #expect(try row.int64("id") == 7)
        #expect(try row.string("name") == "Иванов")
        #expect(try row.optString("note") == nil)
        #expect(try row.bool("flag"))
        #expect { try row.string("note") } throws: { ($0 as? EngineError)?.kind == .schemaMismatch }
        #expect { try row.int64("note") } throws: { ($0 as? EngineError)?.kind == .schemaMismatch }
        // a value of another kind is not quietly converted either
        #expect { try row.int64("name") } throws: { ($0 as? EngineError)?.kind == .schemaMismatch }
        #expect { try row.string("id") } throws: { ($0 as? EngineError)?.kind == .schemaMismatch }
        #expect { try row.value("missing") } throws: { ($0 as? EngineError)?.message.contains("no column missing") == true }
    }
}
