import Foundation
import Testing

extension E2E {
    /// Runs a script of statements on the test's database as the portal would write them:
    /// `sqlite3` on the file, `psql` on the server (in one transaction). A fixture that names
    /// its rows' ids is then followed on PostgreSQL by every table's identity moving past the
    /// largest id, as SQLite's next rowid does, so that the program's own inserts never meet them.
    /// A statement the engine refuses is the test's failure, in the engine's words.
    func script(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let r = switch engine {
        case .sqlite: E2E.exec("/usr/bin/sqlite3", ["-bail", db], stdin: Array(sql.utf8))
        case .postgresql: E2E.exec(E2E.psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db, "-f", "-"],
                                   stdin: Array((sql + "\n;\n" + E2E.identitiesPastTheirRows).utf8))
        }
        if r.status != 0 || !r.stderr.isEmpty {
            Issue.record("\(engine) refused the test's script (exit \(r.status)): \(r.stderr)\n\(sql)", sourceLocation: sourceLocation)
        }
    }

    /// PostgreSQL: each identity column's next value is one past its table's largest id.
    static let identitiesPastTheirRows = """
        DO $$
        DECLARE t record;
        BEGIN
            FOR t IN SELECT table_name FROM information_schema.columns
                     WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES' LOOP
                EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), coalesce((SELECT max(id) FROM %I), 0) + 1, false)',
                               t.table_name, t.table_name);
            END LOOP;
        END
        $$;

        """
}
