import Foundation

/// The engines a test can run on: SQLite always, PostgreSQL where its server is installed.
///
/// `swift test` runs in two halves. The first is this process as SwiftPM started it: SQLite is
/// the engine of `TestDB()`, `E2E()` and `TestEngine.all`. The second, the PostgreSQL half, is the
/// same test bundle started again by `PostgreSQLHalfTests` with `MYGAZ_TEST_ENGINE=postgresql`, for
/// every suite but `PostgreSQLHalf.notYet`: PostgreSQL is then their engine. Tests of what only
/// one engine has say so (`.sqliteOnly(…)`, `.enabled(if: PGServer.available)`), and tests that
/// compare the two engines name both.
public enum TestEngine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgresql

    /// The engine of a test that names none.
    public static let `default`: TestEngine = PostgreSQLHalf.isThisProcess ? .postgresql : .sqlite

    /// `@Test(arguments: TestEngine.all)`: the engine of this half (SQLite in the first, PostgreSQL in
    /// the half `PostgreSQLHalfTests` starts), so that each test runs once on each engine in all.
    public static var all: [TestEngine] { [.default] }

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

    /// Suites the PostgreSQL half skips until they pass there, by their test ids (`Module.Suite`):
    /// the way to the whole suite on both engines. Empty when every suite passes on both (a
    /// test of what is SQLite's alone says so with `.sqliteOnly(…)` and is skipped there).
    public static let notYet: [String] = []

    /// How long the half may run before it is killed and its unfinished tests named: 12 to 15
    /// minutes here and in CI; `MYGAZ_TEST_PG_HALF_SECONDS` sets another.
    public static let deadline: TimeInterval =
        ProcessInfo.processInfo.environment["MYGAZ_TEST_PG_HALF_SECONDS"].flatMap(TimeInterval.init) ?? 45 * 60

    /// The test bundle's arguments that run every test but those of `notYet` with Swift Testing
    /// (`--skip` is a regular expression on ids: a suite's is `Module.Suite`).
    public static var arguments: [String] {
        var arguments = ["--testing-library", "swift-testing"]
        for suite in notYet { arguments += ["--skip", "^" + NSRegularExpression.escapedPattern(for: suite) + "(/|$)"] }
        return arguments
    }
}
