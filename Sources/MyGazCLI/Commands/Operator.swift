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
                        ],
                        examples: [Example("mygaz-admin operator add ivanova --role clerk --name 'Иванова А. П.'",
                                           L("Let the clerk ivanova work.", "Допустить к работе сотрудника ivanova."))],
                        access: .admins, handler: addOperator),
            CommandSpec("set-role", L("change an operator's role", "изменить роль оператора"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin)),
                                    ArgumentSpec("ROLE", L("clerk, support or admin", "clerk, support или admin"), completion: .values(Role.allCases.map(\.rawValue)))],
                        access: .admins, handler: setRole),
            CommandSpec("remove", L("take an operator's access away", "лишить оператора доступа"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin))],
                        options: [Opt.yes],
                        access: .admins, handler: removeOperator),
        ])

    static func listOperators(_ inv: Invocation) throws -> ExitStatus {
        let role = try inv.choice(.role, as: Role.self)
        var t = Table([Column("login", L("LOGIN", "ЛОГИН")), Column("role", L("ROLE", "РОЛЬ"), cut: 14), Column("name", L("NAME", "ФИО"), cut: 14),
                       Column("created_at", L("ADDED", "ДОБАВЛЕН")), Column("created_by", L("BY", "КЕМ"), priority: 1)])
        for o in try Operators.list(inv.db, role: role) {
            t.append([Cell(.text(o.login), style: o.login == inv.session.login ? .bold : .plain),
                      .code(.role, o.role.rawValue, inv.out.texts), Cell(.of(o.fullName)),
                      Cell(.text(o.createdAt), display: Timestamp.display(o.createdAt)), Cell(.text(o.createdBy))])
        }
        inv.out.table(t)
        return .success
    }

    static func addOperator(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        guard let role = try inv.choice(.role, as: Role.self) else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--role")
        }
        let outcome = try Operators.add(inv.session, login: login, role: role, fullName: try inv.text(.name))
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
