import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

@Suite struct HelpTests {
    @Test func everyCommandHasHelpWithSummaryAndUsage() {
        func walk(_ path: [CommandSpec]) {
            let text = HelpText.render(path, lang: .en)
            #expect(text.contains(path.last!.summary.en))
            #expect(text.contains("Usage"))
            let ru = HelpText.render(path, lang: .ru)
            #expect(ru.contains(path.last!.summary.ru))
            for sub in path.last!.subcommands { walk(path + [sub]) }
        }
        walk([CommandTree.root])
    }

    /// Who may run each action, said once here: a change of roles shows up as a change of this list.
    static let roles: [String: String] = [
        "__complete": "no database",
        "account list": "clerk, support, admin",
        "account show": "clerk, support, admin",
        "account bill": "clerk, support, admin",
        "account set-phone": "clerk, admin",
        "account conflicts": "clerk, admin",
        "bill send": "clerk, admin",
        "notice debts": "clerk, admin", "notice verification": "clerk, admin", "notice news": "admin",
        "payment list": "clerk, support, admin",
        "payment show": "clerk, support, admin",
        "office list": "clerk, support, admin",
        "office show": "clerk, support, admin",
        "contract list": "clerk, support, admin",
        "contract show": "clerk, support, admin",
        "act list": "clerk, support, admin",
        "act show": "clerk, support, admin",
        "user edit": "clerk, admin",
        "user alias": "clerk, admin",
        "application answer": "clerk, admin",
        "application reopen": "clerk, admin",
        "config get": "clerk, support, admin",
        "config list": "clerk, support, admin",
        "config set": "admin",
        "calendar show": "clerk, support, admin",
        "calendar list": "clerk, support, admin",
        "calendar import": "admin",
        "report deadlines": "clerk, support, admin",
        "ticket edit": "clerk, support, admin",
        "ticket extend": "clerk, support, admin",
        "calendar zones": "clerk, support, admin",
        "calendar set-zone": "admin",
        "reading reopen": "clerk, admin",
        "application approve": "clerk, admin",
        "application assign": "clerk, admin",
        "application attachment": "clerk, support, admin",
        "application clarify": "clerk, admin",
        "application complete": "clerk, admin",
        "application create": "clerk, admin",
        "application list": "clerk, support, admin",
        "application reject": "clerk, admin",
        "application review": "clerk, admin",
        "application show": "clerk, support, admin",
        "audit list": "clerk, support, admin",
        "audit verify": "admin",
        "completion bash": "no database",
        "completion fish": "no database",
        "completion man": "no database",
        "completion zsh": "no database",
        "db backup": "admin",
        "db check": "admin",
        "db migrate": "opens the database itself",
        "db repair-logins": "admin",
        "db recount": "admin",
        "db stats": "admin",
        "demo": "opens the database itself",
        "export readings": "admin",
        "export contacts": "admin",
        "faq add": "support, admin",
        "faq edit": "support, admin",
        "faq list": "clerk, support, admin",
        "faq remove": "support, admin",
        "faq show": "clerk, support, admin",
        "import accounts": "admin",
        "import acts": "admin",
        "import contracts": "admin",
        "import history": "clerk, support, admin",
        "import meters": "admin",
        "import offices": "admin",
        "import payments": "admin",
        "import pins": "admin",
        "import benefits": "admin", "import consumption": "admin", "import equipment": "admin",
        "import readings": "admin",
        "import rgk": "admin",
        "import services": "admin",
        "import settlements": "admin",
        "init": "opens the database itself",
        "operator add": "admin",
        "operator list": "clerk, support, admin",
        "operator show": "clerk, support, admin",
        "operator edit": "admin",
        "operator remove": "admin",
        "operator set-role": "admin",
        "outbox __receipt": "clerk, support, admin",
        "outbox list": "clerk, support, admin",
        "outbox retry": "clerk, support, admin",
        "outbox send": "clerk, support, admin",
        "outbox show": "clerk, support, admin",
        "pin issue": "clerk, admin",
        "pin list": "clerk, support, admin",
        "pin reject-request": "clerk, admin",
        "pin requests": "clerk, support, admin",
        "pin revoke": "clerk, admin",
        "reading accept": "clerk, admin",
        "reading check": "clerk, support, admin",
        "reading list": "clerk, support, admin",
        "reading reject": "clerk, admin",
        "reading review": "clerk, admin",
        "reading show": "clerk, support, admin",
        "reading submit": "clerk, admin",
        "status": "clerk, support, admin",
        "ticket assign": "clerk, support, admin",
        "ticket attachment": "clerk, support, admin",
        "ticket close": "clerk, support, admin",
        "ticket list": "clerk, support, admin",
        "ticket open": "clerk, support, admin",
        "ticket reopen": "clerk, support, admin",
        "ticket reply": "clerk, support, admin",
        "ticket review": "clerk, support, admin",
        "ticket show": "clerk, support, admin",
        "user block": "clerk, support, admin",
        "user confirm": "clerk, support, admin",
        "user create": "clerk, admin",
        "user delete": "clerk, admin",
        "user grant-extended": "clerk, admin",
        "user link": "clerk, admin",
        "user list": "clerk, support, admin",
        "user purge-unconfirmed": "clerk, support, admin",
        "user resend-code": "clerk, support, admin",
        "user reset-password": "clerk, support, admin",
        "user set-login": "clerk, support, admin",
        "user unlink-card": "clerk, admin",
        "user set-username": "clerk, support, admin",
        "user show": "clerk, support, admin",
        "user unblock": "clerk, support, admin",
        "user unlink": "clerk, admin",
        "user unlock-extended": "clerk, support, admin",
    ]

    @Test func everyActionHasItsRolesAndAHandler() {
        var found: [String: String] = [:]
        func walk(_ command: CommandSpec, _ name: String) {
            if command.subcommands.isEmpty {
                #expect(command.handler != nil, "\(name) has no handler")
                switch command.access {
                case .noDatabase: found[name] = "no database"
                case .opensItself: found[name] = "opens the database itself"
                case .roles(let roles): found[name] = roles.sorted().map(\.rawValue).joined(separator: ", ")
                }
            }
            for sub in command.subcommands { walk(sub, name.isEmpty ? sub.name : name + " " + sub.name) }
        }
        walk(CommandTree.root, "")
        for (name, roles) in found.sorted(by: { $0.key < $1.key }) {
            #expect(Self.roles[name] == roles, "\(name): \(roles)")
        }
        #expect(Set(found.keys) == Set(Self.roles.keys))
    }

    @Test func everyOptionNameBelongsToAnOptionOfTheTree() {
        var used = Set(GlobalOptions.all.map(\.name))
        func walk(_ command: CommandSpec) {
            used.formUnion(command.options.map(\.name))
            #expect(Set(command.options.map(\.name)).count == command.options.count, "\(command.name) names an option twice")
            command.subcommands.forEach(walk)
        }
        walk(CommandTree.root)
        #expect(used == Set(OptionName.allCases), "unused names: \(Set(OptionName.allCases).subtracting(used))")
    }

    @Test func helpExitCodesListsTheTable() {
        let r = InProcess.run(["help", "exit-codes"])
        #expect(r.status == 0)
        for status in MyGazCore.ExitStatus.allCases { #expect(r.stdout.contains("  \(status.rawValue)  ")) }
    }

    @Test func aGroupWithoutActionShowsItsActionsAsAUsageError() {
        let r = InProcess.run(["operator"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("set-role"))
        #expect(r.stdout.isEmpty)
    }
}
