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

    @Test func clusteredFlags() throws {
        let p = try parser.parse(["operator", "remove", "-yq", "bob"])
        #expect(p.options["yes"] != nil && p.options["quiet"] != nil)
        #expect(p.positionals == ["bob"])
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
