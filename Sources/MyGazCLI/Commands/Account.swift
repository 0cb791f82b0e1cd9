import Foundation
import MyGazCore

enum AccountCommands {
    static let spec = CommandSpec(
        "account", L("personal accounts: holder, balances, meters, payments, settlements", "лицевые счета: владелец, сальдо, приборы учета, оплаты, взаиморасчеты"),
        subcommands: [
            CommandSpec("list", L("list accounts", "список лицевых счетов"),
                        options: [Opt.rgk,
                                  OptionSpec(.search, short: "s", value: "TEXT", L("account number, holder's name or address", "номер счета, ФИО владельца или адрес")),
                                  OptionSpec(.debtors, L("only accounts with a debt, the largest first", "только должники, крупные долги сверху")),
                                  Opt.limit],
                        examples: [Example("mygaz-admin account list --rgk vologda --debtors --limit 20", L("The twenty largest debts in Vologda.", "Двадцать крупнейших долгов в Вологде."))],
                        access: .everyone, handler: list),
            CommandSpec("show", L("everything about one account", "все об одном лицевом счете"),
                        arguments: [UserCommands.accountArg],
                        options: [UserCommands.rgkForAccount,
                                  OptionSpec(.all, L("also archived contracts", "также архивные договоры"))],
                        examples: [Example("mygaz-admin account show 7000-0011 --rgk vologda", L("The number as printed on the bill is fine.", "Можно вводить номер так, как он напечатан на квитанции."))],
                        access: .everyone, handler: show),
        ])

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = AccountFilter()
        filter.rgk = inv.string(.rgk)
        filter.search = inv.string(.search)
        filter.debtors = inv.flag(.debtors)
        filter.limit = try inv.limit()
        let rows = try Accounts.list(inv.db, filter)
        var t = AccountView.table(rows, inv.out)
        if rows.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let ref = try AccountRef.resolve(inv.db, inv.argument("ACCOUNT")!, rgk: inv.string(.rgk))
        let a = try Accounts.show(inv.db, ref, allContracts: inv.flag(.all), today: inv.clock.today)
        inv.out.record(AccountView.record(a, ref, allContracts: inv.flag(.all), inv.out))
        return .success
    }
}
