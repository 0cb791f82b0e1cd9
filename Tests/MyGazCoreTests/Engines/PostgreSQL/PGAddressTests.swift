@testable import MyGazCore
import Testing

@Suite struct PGAddressTests {
    @Test(arguments: [
        // the brief's three
        ("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db"),
        ("password=secret host=x", "password=*** host=x"),
        ("password='a b'", "password=***"),
        // hostile URIs: '@' or '/' left unescaped in the password, the scheme in capitals, postgres://
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:p/ss@h/db", "postgresql://u:***@h/db"),
        ("POSTGRESQL://u:pw@h:5432/db?sslmode=require", "POSTGRESQL://u:***@h:5432/db?sslmode=require"),
        ("postgres://u:pw@h1,h2/db", "postgres://u:***@h1,h2/db"),
        ("postgresql://u:@h/db", "postgresql://u:***@h/db"),
        // a password as a query parameter, in any case or percent-encoded, beside others
        ("postgresql:///mygaz?host=/run/postgresql&password=secret", "postgresql:///mygaz?host=/run/postgresql&password=***"),
        ("postgresql://h/db?PassWord=secret&user=u", "postgresql://h/db?PassWord=***&user=u"),
        ("postgresql://h/db?pass%77ord=secret", "postgresql://h/db?pass%77ord=***"),
        ("postgresql://u:pw@h/db?password=again", "postgresql://u:***@h/db?password=***"),
        // hostile conninfos: escapes, quotes, spaces around '=', a quote never closed
        ("host=x password='it\\'s a secret' dbname=y", "host=x password=*** dbname=y"),
        ("host=x password=se\\ cret dbname=y", "host=x password=*** dbname=y"),
        ("host=x password = secret dbname=y", "host=x password = *** dbname=y"),
        ("host=x\tpassword=secret", "host=x\tpassword=***"),
        ("host=x password='never closed dbname=y", "host=x password=***"),
        ("host=x garbage password=secret", "host=x garbage password=***"),
        // an address nested in a value (libpq expands one in dbname)
        ("dbname=postgresql://u:pw@h/db", "dbname='postgresql://u:***@h/db'"),
        ("dbname='host=h password=pw'", "dbname='host=h password=***'"),
    ])
    func aPasswordIsMasked(_ written: String, _ shown: String) {
        let masked = PGAddress.masked(written)
        #expect(masked == shown)
        #expect(PGAddress.hasPassword(written))
        for secret in ["secret", "p%40ss", "p@ss", "ss@h", "pw", "a b", "cret", "again"] where written.contains(secret) {
            #expect(!masked.contains(secret) || shown.contains(secret), "\(secret) shown in \(masked)")
        }
    }

    @Test(arguments: [
        "postgresql:///mygaz?host=/run/postgresql",
        "postgresql://user@host/db",
        "postgresql://user@host:5432/db?sslmode=verify-full",
        "host=/tmp/x dbname=y",
        "host=/tmp/x dbname='a b' user=mygaz",
        "user=mypassword dbname=y",
    ])
    func anAddressWithoutAPasswordIsShownAsWritten(_ written: String) {
        #expect(PGAddress.masked(written) == written)
        #expect(!PGAddress.hasPassword(written))
    }

    @Test func aPostgreSQLAddressIsToldFromAFileName() {
        for address in ["postgresql:///mygaz", "postgres://u@h/db", "PostgreSQL://h/db", "host=/tmp dbname=x", "dbname=mygaz"] {
            #expect(PGAddress.isPostgreSQL(address), "\(address)")
        }
        for file in ["mygaz.db", "./mygaz.db", "/srv/a=b.db", "x = y.db", "postgresql.db", "/tmp/dbname", ""] {
            #expect(!PGAddress.isPostgreSQL(file), "\(file)")
        }
    }
}
