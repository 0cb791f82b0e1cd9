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
    /// (`Module.Suite`). A suite joins when all its tests pass there (a test about what is
    /// SQLite's alone says so with `.sqliteOnly(…)` and is skipped there). Suites over
    /// `TestEngine.all`, and PostgreSQL's own suites, run on PostgreSQL in the first half already.
    public static let suites: [String] = [
        "MyGazCoreTests.DemoTests",
        "MyGazCoreTests.OperatorAndAuditTests",
        "EndToEndTests.FoundationE2ETests",
    ]

    /// The test bundle's arguments that run exactly `suites` with Swift Testing.
    public static var arguments: [String] {
        ["--testing-library", "swift-testing"] + suites.flatMap { suite in
            ["--filter", "^" + NSRegularExpression.escapedPattern(for: suite) + "(/|$)"]
        }
    }
}
