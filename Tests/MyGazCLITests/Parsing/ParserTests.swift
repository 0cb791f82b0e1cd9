import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

@Suite struct ParserTests {
    let parser = Parser(root: CommandTree.root, globals: GlobalOptions.all)

    @Test func longShortInlineClusterAndGlobalsAnywhere() throws {
        let p = try parser.parse(["audit", "--json", "list", "-n5", "--operator=ivanova", "--db", "x.db", "-q"])
        #expect(p.commandName == "audit list")
        #expect(p.options["limit"] == ["5"])
        #expect(p.options["operator"] == ["ivanova"])
        #expect(p.options["db"] == ["x.db"])
        #expect(p.options["json"] != nil && p.options["quiet"] != nil)
    }

    /// Issue 41: a Russian clerk types Russian — an option's fixed choice is taken by its label in
    /// either language, by a unique beginning of it (or of a word in it), in one place: the parser.
    @Test func aChoiceIsTakenByItsLabelOrAUniqueBeginningOfIt() throws {
        func value(_ args: [String], _ option: String) throws -> String? { try parser.parse(args).options[option]?.last }
        #expect(try value(["reading", "list", "--status", "принято"], "status") == "accepted")
        #expect(try value(["reading", "list", "--status", "Отказано"], "status") == "rejected")
        #expect(try value(["reading", "list", "--status", "все"], "status") == "all")
        #expect(try value(["application", "list", "--status", "требует,Принята"], "status") == "needs_info,accepted")
        #expect(try value(["reading", "reject", "5", "--reason", "превышает м…"], "reason") == "exceeds_max_consumption")
        #expect(try value(["reading", "reject", "5", "--reason", "истек срок поверки"], "reason") == "verification_expired")
        #expect(try value(["reading", "reject", "5", "--reason", "exceeds the max"], "reason") == "exceeds_max_consumption")
        #expect(try value(["payment", "list", "--state", "обраб"], "state") == "processing")
        #expect(try value(["user", "edit", "5", "--notify-news", "да"], "notify-news") == "on")
        #expect(try value(["user", "edit", "5", "--notify-news", "нет"], "notify-news") == "off")
        #expect(try value(["reading", "list", "--status", "accepted"], "status") == "accepted")
        func message(_ args: [String]) -> Message? {
            do { _ = try parser.parse(args); return nil } catch let e as MyGazError { return e.message } catch { return nil }
        }
        // two reasons begin «превышает»: the clerk is told both, in words, and types more
        let ambiguous = message(["reading", "reject", "5", "--reason", "превышает"])
        #expect(ambiguous?.key == .badChoiceAmbiguous)
        #expect(ambiguous?.args.last == .codes(.readingReason, ["exceeds_capacity", "exceeds_max_consumption"]))
        #expect(Texts(.ru).render(ambiguous!).contains("превышает разрядность счетчика или превышает максимально допустимый расход"))
        #expect(message(["reading", "list", "--status", "п"])?.key == .badChoice)
        #expect(message(["reading", "list", "--status", "зеленый"])?.key == .badChoice)
        // the completions offer the Russian words beside the codes
        let status = CommandTree.root.subcommands.first { $0.name == "reading" }?.subcommands.first { $0.name == "list" }?.option(long: "status")
        let offered: [String] = { if case .values(let words)? = status?.completion { return words }; return [] }()
        #expect(offered.contains("accepted") && offered.contains("принято") && offered.contains("все"), "\(offered)")
        // durations in Russian units
        #expect(Duration.parse("7д") == 7 * 86_400 && Duration.parse("3ч") == 3 * 3600 && Duration.parse("30мин") == 1800
                && Duration.parse("2нед") == 14 * 86_400 && Duration.parse("90с") == 90 && Duration.parse("7") == nil && Duration.parse("д") == nil)
    }

    @Test func clusteredFlags() throws {
        let p = try parser.parse(["operator", "remove", "-yq", "bob"])
        #expect(p.options["yes"] != nil && p.options["quiet"] != nil)
        #expect(p.positionals == ["bob"])
    }

    /// A negative number is a value (`config set payment.stuck_days -3` is refused for its value,
    /// not taken for the options -3); a letter after the minus is still an option.
    @Test func aNegativeNumberIsAValueNotOptions() throws {
        #expect(try parser.parse(["config", "set", "payment.stuck_days", "-3"]).positionals == ["payment.stuck_days", "-3"])
        #expect(try parser.parse(["config", "set", "bill.min", "-0.5"]).positionals == ["bill.min", "-0.5"])
        #expect(throws: MyGazError.self) { try parser.parse(["config", "set", "payment.stuck_days", "-3x"]) }
        #expect(try parser.parse(["operator", "remove", "-q", "bob"]).options["quiet"] != nil)
    }

    @Test func doubleDashEndsOptions() throws {
        let p = try parser.parse(["operator", "remove", "--", "-weird"])
        #expect(p.positionals == ["-weird"])
    }

    @Test func repeatedOptionsKeepEveryValue() throws {
        let p = try parser.parse(["audit", "list", "--operator", "a", "--operator", "b"])
        #expect(p.options["operator"] == ["a", "b"])
    }

    @Test func mistakesAreUsageErrorsWithSuggestions() {
        func message(_ args: [String]) -> Message? {
            do { _ = try parser.parse(args); return nil } catch let e as MyGazError {
                #expect(e.status == .usage)
                return e.message
            } catch { return nil }
        }
        #expect(message(["stauts"])?.key == .unknownCommandSuggest)
        #expect(message(["stauts"])?.args.last == .text("status"))
        #expect(message(["operator", "ad"])?.args.last == .text("add"))
        #expect(message(["audit", "list", "--limt", "3"])?.args.last == .text("--limit"))
        #expect(message(["audit", "list", "--limit"])?.key == .missingValue)
        #expect(message(["--format", "xml", "status"])?.key == .badChoice)
        #expect(message(["status", "--json=yes"])?.key == .unexpectedValue)
        #expect(message(["operator", "add"])?.key == .missingArgument)
        #expect(message(["status", "extra"])?.key == .tooManyArguments)
        #expect(message(["zzzzzz"])?.key == .unknownCommand)
    }

    @Test func helpAndVersionAnywhere() throws {
        #expect(try parser.parse(["operator", "add", "--help"]).helpRequested)
        #expect(try parser.parse(["help", "operator", "add"]).helpWords == ["operator", "add"])
        #expect(try parser.parse(["--version"]).versionRequested)
    }

    @Test func editDistance() {
        #expect(Suggest.editDistance("status", "stauts") == 1)
        #expect(Suggest.editDistance("status", "statsu") == 1)
        #expect(Suggest.editDistance("kitten", "sitting") == 3)
        #expect(Suggest.editDistance("abc", "acb") == 1)
        #expect(Suggest.closest(to: "xyz", in: ["status", "init"]) == nil)
    }
}
