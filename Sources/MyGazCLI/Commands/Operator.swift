import Foundation
import MyGazCore

/// `operator`: who may work the database, and in which role.
enum OperatorCommands {

    static let spec = CommandSpec(
        "operator", L("who may work the database, and in which role", "кто может работать с базой и в какой роли"),
        discussion: L("An operator is an OS login (like psql's peer authentication): nobody chooses who they are with a flag. Roles: clerk (readings, applications, PINs, users), support (tickets, FAQ, user repair), admin (everything, including import, export, operators and db).",
                      "Оператор — это пользователь ОС (как peer-аутентификация psql): выбрать себя параметром нельзя. Роли: clerk (показания, заявки, ПИН-коды, пользователи), support (обращения, FAQ, исправление учетных записей), admin (все, включая загрузку, выгрузку, операторов и db)."),
        subcommands: [
            CommandSpec("list", L("list the operators", "список операторов"),
                        options: [OptionSpec(.role, value: "ROLE", L("only this role", "только эта роль"), choices: Role.allCases.map(\.rawValue))],
                        access: .everyone, handler: listOperators),
            CommandSpec("add", L("register an OS login as an operator", "зарегистрировать пользователя ОС как оператора"),
                        arguments: [ArgumentSpec("LOGIN", L("the OS login", "имя пользователя ОС"), completion: .osUser)],
                        options: [
                            OptionSpec(.role, value: "ROLE", L("required: clerk, support or admin", "обязательно: clerk, support или admin"),
                                       choices: Role.allCases.map(\.rawValue)),
                            OptionSpec(.name, value: "TEXT", L("the operator's full name", "ФИО оператора")),
                            scopeOption,
                        ],
                        examples: [Example("mygaz-admin operator add ivanova --role clerk --name 'Иванова А. П.'",
                                           L("Let the clerk ivanova work.", "Допустить к работе сотрудника ivanova.")),
                                   Example("mygaz-admin operator add lebedeva --role clerk --rgk vologda --rgk kostroma",
                                           L("Let the clerk lebedeva work the customers of two RGKs only.",
                                             "Допустить сотрудника lebedeva только к абонентам двух РГК."))],
                        access: .admins, handler: addOperator),
            CommandSpec("show", L("one operator: role and RGKs", "один оператор: роль и РГК"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin))],
                        access: .everyone, handler: showOperator),
            CommandSpec("edit", L("change an operator's role or RGKs", "изменить роль или РГК оператора"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin))],
                        options: [
                            OptionSpec(.role, value: "ROLE", L("the new role: clerk, support or admin", "новая роль: clerk, support или admin"),
                                       choices: Role.allCases.map(\.rawValue)),
                            scopeOption,
                            OptionSpec(.allRgks, L("let the operator work every RGK", "допустить оператора ко всем РГК")),
                        ],
                        examples: [Example("mygaz-admin operator edit petrova --rgk yaroslavl",
                                           L("From now on petrova works the customers of Yaroslavl only.",
                                             "Теперь petrova работает только с абонентами Ярославля.")),
                                   Example("mygaz-admin operator edit petrova --all-rgks",
                                           L("petrova works every RGK again.", "petrova снова работает со всеми РГК."))],
                        access: .admins, handler: editOperator),
            CommandSpec("set-role", L("change an operator's role", "изменить роль оператора"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin)),
                                    ArgumentSpec("ROLE", L("clerk, support or admin", "clerk, support или admin"), completion: .values(Role.allCases.map(\.rawValue)))],
                        access: .admins, handler: setRole),
            CommandSpec("remove", L("take an operator's access away", "лишить оператора доступа"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin))],
                        options: [Opt.yes],
                        access: .admins, handler: removeOperator),
        ])

    /// `--rgk CODE`, repeatable: the RGKs an operator works (none: every RGK).
    static let scopeOption = OptionSpec(.rgk, value: "CODE", L("work only this RGK's customers (repeat for more; none: every RGK)",
                                                             "работать только с абонентами этой РГК (можно несколько; без него — все РГК)"),
                                        repeatable: true, commaList: true, completion: .live(.rgk))

    static let columns = [Column("login", L("LOGIN", "ЛОГИН")), Column("role", L("ROLE", "РОЛЬ"), cut: 14), Column("rgks", L("RGKS", "РГК"), cut: 10),
                          Column("name", L("NAME", "ФИО"), cut: 14), Column("created_at", L("ADDED", "ДОБАВЛЕН")),
                          Column("created_by", L("BY", "КЕМ"), priority: 1)]

    static func cells(_ o: OperatorRecord, _ inv: Invocation) -> [Cell] {
        [Cell(.text(o.login), style: o.login == inv.session.login ? .bold : .plain),
         .code(.role, o.role.rawValue, inv.out.texts),
         Cell(o.rgks.map { .array($0.map(Value.text)) } ?? .null, display: o.rgks?.joined(separator: ", ") ?? allRGKs(russian: inv.out.lang == .ru)),
         Cell(.of(o.fullName)),
         Cell(.text(o.createdAt), display: Timestamp.display(o.createdAt)), Cell(.text(o.createdBy))]
    }

    static let allRGKs = L("all", "все")

    static func scopeText(_ scope: RGKScope, _ inv: Invocation) -> String {
        switch scope {
        case .all: allRGKs(russian: inv.out.lang == .ru)
        case .only(let codes): codes.joined(separator: ", ")
        }
    }

    /// The scope `--rgk`/`--all-rgks` ask for, nil when neither is given.
    static func scope(_ inv: Invocation) throws -> RGKScope? {
        try inv.exclusive(.rgk, .allRgks)
        if inv.flag(.allRgks) { return .all }
        let codes = inv.strings(.rgk)
        return codes.isEmpty ? nil : .only(codes)
    }

    static func showOperator(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        guard let o = try Operators.find(inv.db, login) else { throw MyGazError.notFound(.operator, login) }
        inv.out.record(Record(row: cells(o, inv), of: columns))
        return .success
    }

    static func editOperator(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        let role = try inv.choice(.role, as: Role.self)
        let scope = try scope(inv)
        guard role != nil || scope != nil else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--role, --rgk, --all-rgks")
        }
        guard try Operators.find(inv.db, login) != nil else { throw MyGazError.notFound(.operator, login) }
        var results: [ActionResult] = []
        if let role {
            let (old, outcome) = try Operators.setRole(inv.session, login: login, role: role)
            let human = outcome == .changed ? Message(.operatorRoleChanged, [.text(login), .code(.role, old.rawValue), .code(.role, role.rawValue)])
                                            : Message(.unchanged, [.entity(.operator), .text(login), .code(.role, role.rawValue)])
            results.append(ActionResult(id: login, outcome: outcome == .changed ? .changed : .unchanged, status: role.rawValue, human: human))
        }
        if let scope {
            let (old, outcome) = try Operators.setScope(inv.session, login: login, scope: scope)
            let now = try Operators.find(inv.db, login)?.rgks.map(RGKScope.only) ?? .all
            let human = outcome == .changed ? Message(.operatorScopeChanged, [.text(login), .text(scopeText(old, inv)), .text(scopeText(now, inv))])
                                            : Message(.unchanged, [.entity(.operator), .text(login), .text(scopeText(now, inv))])
            results.append(ActionResult(id: login, outcome: outcome == .changed ? .changed : .unchanged, status: nil, human: human))
        }
        inv.out.results(results)
        return .success
    }

    static func listOperators(_ inv: Invocation) throws -> ExitStatus {
        let role = try inv.choice(.role, as: Role.self)
        var t = Table(columns)
        for o in try Operators.list(inv.db, role: role) { t.append(cells(o, inv)) }
        inv.out.table(t)
        return .success
    }

    static func addOperator(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        guard let role = try inv.choice(.role, as: Role.self) else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--role")
        }
        let outcome = try Operators.add(inv.session, login: login, role: role, fullName: try inv.text(.name), scope: try scope(inv) ?? .all)
        if !OSLogin.exists(login) { inv.out.warn(.operatorNotOSLogin, .text(login)) }
        let human = outcome == .changed ? Message(.operatorAdded, [.text(login), .code(.role, role.rawValue)])
                                        : Message(.unchanged, [.entity(.operator), .text(login), .code(.role, role.rawValue)])
        inv.out.results([ActionResult(id: login, outcome: outcome == .changed ? .changed : .unchanged, status: role.rawValue, human: human)])
        return .success
    }

    static func setRole(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        let text = inv.argument("ROLE")!
        guard let role = Role(rawValue: text) else {
            throw MyGazError.usage(.badChoice, "ROLE", .text(text), .text(Role.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        let (old, outcome) = try Operators.setRole(inv.session, login: login, role: role)
        let human = outcome == .changed ? Message(.operatorRoleChanged, [.text(login), .code(.role, old.rawValue), .code(.role, role.rawValue)])
                                        : Message(.unchanged, [.entity(.operator), .text(login), .code(.role, role.rawValue)])
        inv.out.results([ActionResult(id: login, outcome: outcome == .changed ? .changed : .unchanged, status: role.rawValue, human: human)])
        return .success
    }

    static func removeOperator(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        guard try Operators.find(inv.db, login) != nil else { throw MyGazError.notFound(.operator, login) }
        guard try inv.confirm(inv.out.texts.render(.confirmRemoveOperator, .text(login))) else { return .success }
        let removed = try Operators.remove(inv.session, login: login)
        inv.out.results([ActionResult(id: login, outcome: .changed, status: nil, human: Message(.operatorRemoved, [.text(removed.login)]))])
        return .success
    }
}
