import Foundation

/// The engines a test can run on: SQLite always, PostgreSQL where its server is installed.
///
/// `swift test` runs in two halves. The first is this process as SwiftPM started it: SQLite is
/// the engine of `TestDB()` and `E2E()`, and a test over `TestEngine.all` runs on both engines.
/// The second, the PostgreSQL half, is the same test bundle started again by
/// `PostgreSQLHalfTests` with `MYGAZ_TEST_ENGINE=postgresql`, for the suites in
/// `PostgreSQLHalf.suites`: PostgreSQL is then the engine of `TestDB()` and `E2E()`, and
/// `TestEngine.all` is PostgreSQL alone (SQLite had its turn in the first half).
public enum TestEngine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgresql

    /// The engine of a test that names none.
    public static let `default`: TestEngine = PostgreSQLHalf.isThisProcess ? .postgresql : .sqlite

    /// `@Test(arguments: TestEngine.all)`; `PGServer.available` says in one line when PostgreSQL is not there.
    public static var all: [TestEngine] {
        if PostgreSQLHalf.isThisProcess { return [.postgresql] }
        return PGServer.available ? [.sqlite, .postgresql] : [.sqlite]
    }

    public var description: String { rawValue }
}

/// The PostgreSQL half of `swift test`: which suites run there, and whether this process is it.
public enum PostgreSQLHalf {
    /// The environment variable that makes PostgreSQL the default engine of a test process.
    public static let variable = "MYGAZ_TEST_ENGINE"

    /// Whether this test process is the PostgreSQL half (`MYGAZ_TEST_ENGINE=postgresql`; unset,
    /// empty or `sqlite` is the SQLite half, anything else a mistake that stops the tests).
    public static let isThisProcess: Bool = {
        switch ProcessInfo.processInfo.environment[variable] ?? "" {
        case "", "sqlite": return false
        case "postgresql": return true
        case let other: fatalError("\(variable)=\(other): say sqlite or postgresql")
        }
    }()

    /// The suites that run again with PostgreSQL as their engine, by their test ids
    /// (`Module.Suite`). A suite joins when all its tests pass there (a test of what is SQLite's
    /// alone says so with `.sqliteOnly(…)` and is skipped there). Suites over `TestEngine.all`,
    /// and PostgreSQL's own suites, run on PostgreSQL in the first half already.
    public static let suites: [String] = [
        "MyGazCoreTests.DemoTests",
        "MyGazCoreTests.OperatorAndAuditTests",
        "MyGazCoreTests.NotifyTests",
        "EndToEndTests.WhoAnswersWhatTests",
    ]

    /// Single tests (`Module.Suite/test()`) of suites that do not pass there whole yet: the way
    /// there. When the suite does, it goes to `suites` and its tests leave this list.
    public static let singleTests: [String] = [
        "EndToEndTests.FoundationE2ETests/initCreatesThenIsIdempotent()",
        "EndToEndTests.FoundationE2ETests/demoRefusesADatabaseWithData()",
        "EndToEndTests.FoundationE2ETests/usageErrorsAreExit2WithAHint()",
        "EndToEndTests.FoundationE2ETests/operatorsAndAudit()",
        "EndToEndTests.FoundationE2ETests/anUnregisteredLoginGetsExit7()",
        "EndToEndTests.FoundationE2ETests/rolesDecideWhoMayDoWhat()",
    ]

    /// The test bundle's arguments that run exactly these with Swift Testing (`--filter` is a
    /// regular expression on ids: a suite's is `Module.Suite`, a test's `Module.Suite/test()/File.swift:line:column`).
    public static var arguments: [String] {
        var arguments = ["--testing-library", "swift-testing"]
        for suite in suites { arguments += ["--filter", "^" + NSRegularExpression.escapedPattern(for: suite) + "(/|$)"] }
        for test in singleTests { arguments += ["--filter", "^" + NSRegularExpression.escapedPattern(for: test) + "/"] }
        return arguments
    }
}
