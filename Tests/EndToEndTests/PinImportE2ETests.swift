import Foundation
import Testing

/// Issue 17: the bill PINs of a region, hashed on every core outside the write lock, a
/// re-import known unchanged by a keyed digest whose key never enters the database.
@Suite struct PinImportE2ETests {
    /// Checks `pin` against a stored crypt(3) hash with libcrypt through Python: an outside reader.
    static func cryptMatches(_ pin: String, _ hash: String) -> Bool {
        let program = """
        import ctypes, sys
        lib = ctypes.CDLL("libcrypt.so.1"); lib.crypt.restype = ctypes.c_char_p
        print(lib.crypt(sys.argv[1].encode(), sys.argv[2].encode()).decode() == sys.argv[2])
        """
        return E2E.exec("/usr/bin/env", ["python3", "-c", program, pin, hash]).stdout.hasPrefix("True")
    }

    /// HMAC-SHA-256 by Python's hmac module.
    static func hmac(keyHex: String, _ message: String) -> String {
        E2E.exec("/usr/bin/env", ["python3", "-c", "import hmac,hashlib,sys; print(hmac.new(bytes.fromhex(sys.argv[1]), sys.argv[2].encode(), hashlib.sha256).hexdigest())",
                                  keyHex, message]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func pinFile(_ t: E2E, _ accounts: [String], pin: (Int) -> String, name: String = "pins.csv") -> String {
        let path = t.dir + "/" + name
        let lines = ["ЛС;ПИН-код"] + accounts.enumerated().map { "\($0.element);\(pin($0.offset))" }
        try! (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(.sqliteOnly("the digest's key lives in a file beside the database file"))
    func pinsAreHashedCheaplyDigestedWithAKeyOutsideAndReimportedUnchanged() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let accounts = t.sql("SELECT number FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE g.code = 'vologda' ORDER BY a.id LIMIT 600")
            .split(separator: "\n").map(String.init)
        #expect(accounts.count > 100)
        let file = pinFile(t, accounts) { String(10_000_000 + $0 * 7919) }
        let first = t.run("import", "pins", file, "--rgk", "vologda", "--json")
        #expect(first.status == 0, "\(first)")
        #expect(first.jsonArray.first?["rejected"] as? Int == 0)

        // the key: beside the database, never in it, readable like the database and no wider
        let keyPath = t.db + ".pin-key"
        let keyHex = try String(contentsOfFile: keyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(keyHex.count == 64)
        let mode = (try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o007 == 0 && mode & 0o020 == 0, "mode \(String(mode, radix: 8))")
        #expect(t.sql("SELECT count(*) FROM pin WHERE pin_digest LIKE '%\(keyHex)%' OR pin_hash LIKE '%\(keyHex)%'") == "0")

        // each PIN: a yescrypt hash at the bill cost that libcrypt verifies, and the HMAC of "account:PIN"
        let sample = t.sql("""
            SELECT p.account_id || ' ' || a.number || ' ' || p.pin_hash || ' ' || p.pin_digest FROM pin p JOIN account a ON a.id = p.account_id
            WHERE p.state = 'active' AND p.source = 'bill' AND p.import_batch_id IS NOT NULL ORDER BY p.id LIMIT 3
            """).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(sample.count == 3)
        for row in sample {
            let index = try #require(accounts.firstIndex(of: row[1]))
            let pin = String(10_000_000 + index * 7919)
            #expect(row[2].hasPrefix("$y$j45$") && Self.cryptMatches(pin, row[2]), "\(row)")
            #expect(!Self.cryptMatches(pin + "1", row[2]))
            let digest = row[3].split(separator: "$").map(String.init)
            #expect(digest.count == 2 && digest[1] == Self.hmac(keyHex: keyHex, "\(row[0]):\(pin)"), "\(row)")
        }

        // the same file again: every PIN unchanged, nothing issued anew
        let pins = t.sql("SELECT count(*) FROM pin")
        let again = t.run("import", "pins", file, "--rgk", "vologda", "--json")
        #expect(again.status == 0 && again.jsonArray.first?["unchanged"] as? Int == accounts.count, "\(again)")
        #expect(t.sql("SELECT count(*) FROM pin") == pins)

        // a new month: two PINs change, the rest stay
        let changed = pinFile(t, accounts, pin: { $0 < 2 ? String(20_000_000 + $0) : String(10_000_000 + $0 * 7919) }, name: "pins-2.csv")
        let month = t.run("import", "pins", changed, "--rgk", "vologda", "--json")
        #expect(month.jsonArray.first?["updated"] as? Int == 2 && month.jsonArray.first?["unchanged"] as? Int == accounts.count - 2, "\(month)")

        // a lost key costs time, not truth: a new key is made, and the cheap hashes tell what is unchanged
        try FileManager.default.removeItem(atPath: keyPath)
        let lost = t.run("import", "pins", changed, "--rgk", "vologda", "--json")
        #expect(lost.jsonArray.first?["unchanged"] as? Int == accounts.count, "\(lost)")
        let newKey = try String(contentsOfFile: keyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(newKey != keyHex && newKey.count == 64)

        // a damaged key stops the import before anything is written, saying what to do
        try "not a key\n".write(toFile: keyPath, atomically: true, encoding: .utf8)
        let before = t.sql("SELECT count(*) FROM pin") + t.sql("SELECT count(*) FROM import_batch")
        let damaged = t.run("import", "pins", file, "--rgk", "vologda")
        #expect(damaged.status == 8 && damaged.stderr.contains(".pin-key") && damaged.stderr.contains("64"), "\(damaged)")
        #expect(t.sql("SELECT count(*) FROM pin") + t.sql("SELECT count(*) FROM import_batch") == before)
    }

    /// On either engine: each PIN a yescrypt hash at the bill cost that libcrypt verifies, the same
    /// file again unchanged, a new month's two PINs changed. A server's database has no file
    /// beside it to keep a digest's key in: there no digest is stored, and each PIN is known
    /// unchanged by its hash.
    @Test func pinsAreHashedAtTheBillCostAndReimportedUnchangedOnEitherEngine() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let accounts = t.sql("SELECT number FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE g.code = 'vologda' ORDER BY a.id LIMIT 200")
            .split(separator: "\n").map(String.init)
        #expect(accounts.count > 20)
        let file = pinFile(t, accounts) { String(10_000_000 + $0 * 7919) }
        let first = t.run("import", "pins", file, "--rgk", "vologda", "--json")
        #expect(first.status == 0 && first.jsonArray.first?["rejected"] as? Int == 0, "\(first)")
        let sample = t.sql("""
            SELECT a.number || ' ' || p.pin_hash FROM pin p JOIN account a ON a.id = p.account_id
            WHERE p.state = 'active' AND p.source = 'bill' AND p.import_batch_id IS NOT NULL ORDER BY p.id LIMIT 3
            """).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(sample.count == 3)
        for row in sample {
            let index = try #require(accounts.firstIndex(of: row[0]))
            let pin = String(10_000_000 + index * 7919)
            #expect(row[1].hasPrefix("$y$j45$") && Self.cryptMatches(pin, row[1]) && !Self.cryptMatches(pin + "1", row[1]), "\(row)")
        }
        let digests = t.sql("SELECT count(*) FROM pin WHERE pin_digest IS NOT NULL AND import_batch_id IS NOT NULL")
        #expect(digests == (t.engine == .sqlite ? String(accounts.count) : "0"), "a digest only where its key has a file beside the database")

        let pins = t.sql("SELECT count(*) FROM pin")
        let again = t.run("import", "pins", file, "--rgk", "vologda", "--json")
        #expect(again.status == 0 && again.jsonArray.first?["unchanged"] as? Int == accounts.count, "\(again)")
        #expect(t.sql("SELECT count(*) FROM pin") == pins, "nothing issued anew")
        let changed = pinFile(t, accounts, pin: { $0 < 2 ? String(20_000_000 + $0) : String(10_000_000 + $0 * 7919) }, name: "pins-2.csv")
        let month = t.run("import", "pins", changed, "--rgk", "vologda", "--json")
        #expect(month.jsonArray.first?["updated"] as? Int == 2 && month.jsonArray.first?["unchanged"] as? Int == accounts.count - 2, "\(month)")
    }

    /// The demo's PINs were hashed at the full cost and have no digest: a file with them is
    /// issued again once (17 ms a check is not worth it), and is known unchanged after that.
    @Test func pinsFromBeforeDigestsAreIssuedOnceAgain() {
        let t = E2E()
        t.demo(accounts: 200)
        let rgk = t.sql("SELECT g.code FROM pin p JOIN account a ON a.id = p.account_id JOIN rgk g ON g.id = a.rgk_id WHERE p.source = 'bill' ORDER BY p.id LIMIT 1")
        let rows = t.sql("SELECT a.number FROM pin p JOIN account a ON a.id = p.account_id JOIN rgk g ON g.id = a.rgk_id WHERE p.source = 'bill' AND p.state = 'active' AND g.code = '\(rgk)' ORDER BY a.id LIMIT 5")
            .split(separator: "\n").map(String.init)
        #expect(rows.count == 5)
        let file = pinFile(t, rows) { _ in "12345678" }
        let first = t.run("import", "pins", file, "--rgk", rgk, "--json")
        #expect(first.jsonArray.first?["updated"] as? Int == 5, "\(first)")
        let again = t.run("import", "pins", file, "--rgk", rgk, "--json")
        #expect(again.jsonArray.first?["unchanged"] as? Int == 5, "\(again)")
    }
}
