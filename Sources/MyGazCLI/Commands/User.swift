import Foundation
import MyGazCore

enum UserCommands {
    static let userArg = ArgumentSpec("USER", L("a user id or login: +7 (981) 567-65-22, 89815676522, ivan@mail.ru",
                                                "id или логин пользователя: +7 (981) 567-65-22, 89815676522, ivan@mail.ru"),
                                      completion: .live(.userLogin))
    static let usersArg = ArgumentSpec("USER", L("one or more user ids or logins", "один или несколько id или логинов"),
                                       arity: .variadic, stdin: .user, completion: .live(.userLogin))
    static let accountArg = ArgumentSpec("ACCOUNT", L("a personal account number (023-185952 is 23185952)",
                                                      "номер лицевого счета (023-185952 — это 23185952)"), completion: .live(.account))
    static let rgkForAccount = OptionSpec(.rgk, value: "CODE", L("the account's RGK, when the number exists in several",
                                                                  "РГК счета, если номер есть в нескольких"), completion: .live(.rgk))
    static let passwordStdin = OptionSpec(.passwordStdin, L("read the new password from the first line of stdin",
                                                              "прочитать новый пароль из первой строки стандартного ввода"))
    static let generatePassword = OptionSpec(.generatePassword, L("make a valid random password and print it once",
                                                                    "создать случайный пароль и показать его один раз"))
    static let desk = Access.roles([.clerk, .admin])
    static let deskAndSupport = Access.roles([.clerk, .support, .admin])

    static let spec = CommandSpec(
        "user", L("portal users: registration, logins, passwords, codes, linked accounts",
                  "пользователи портала: регистрация, логины, пароли, коды, привязка счетов"),
        discussion: L("A login is a Russian mobile number or an e-mail; any spelling is accepted and normalised. Passwords are 5–10 Latin letters or digits and are read only from stdin or a no-echo prompt, never from the command line. A user may link at most 3 accounts.",
                      "Логин — номер мобильного телефона или адрес e-mail; принимается любая запись, она нормализуется. Пароль — 5–10 латинских букв или цифр, читается только со стандартного ввода или из приглашения без эха, никогда из командной строки. К пользователю можно привязать не более 3 лицевых счетов."),
        subcommands: [
            CommandSpec("list", L("list portal users, newest first", "список пользователей, новые сверху"),
                        options: [
                            OptionSpec(.status, value: "STATUS", L("only this state", "только это состояние"), choices: UserStatus.codes),
                            OptionSpec(.search, short: "s", value: "TEXT", L("a piece of the login, username, name, e-mail or phone, a phone in any spelling or a linked account number; the users found come newest first",
                                                                              "часть логина, имени пользователя, ФИО, e-mail или телефона, телефон в любой записи или номер привязанного счета; найденные — новые сверху")),
                            OptionSpec(.rgk, value: "CODE", L("only users with an account of this RGK", "только пользователи со счетом этой РГК"),
                                       completion: .live(.rgk)),
                            OptionSpec(.registeredBefore, value: "DATE", L("registered before DATE", "зарегистрированы до DATE")),
                            OptionSpec(.registeredAfter, value: "DATE", L("registered on or after DATE", "зарегистрированы начиная с DATE")),
                            Opt.limit,
                        ],
                        examples: [
                            Example("mygaz-admin user list --search '8 981 567-65-22'", L("Find a user by phone in any spelling.", "Найти пользователя по телефону в любой записи.")),
                            Example("mygaz-admin user list --search 'семенова'", L("A piece of a name in any case; е finds ё too.", "Часть ФИО в любом регистре; «е» находит и «ё».")),
                            Example("mygaz-admin user list --status pending --registered-before 7d", L("Registrations not confirmed for a week.", "Регистрации, не подтвержденные неделю.")),
                        ],
                        access: .everyone, handler: list),
            CommandSpec("show", L("everything about one user", "все об одном пользователе"),
                        arguments: [userArg], access: .everyone, handler: show),
            CommandSpec("create", L("register a customer at the office: active at once", "зарегистрировать клиента в офисе: сразу активен"),
                        arguments: [ArgumentSpec("LOGIN", L("mobile number or e-mail", "номер мобильного или e-mail"))],
                        options: [
                            OptionSpec(.name, value: "TEXT", L("full name", "ФИО")),
                            OptionSpec(.email, value: "EMAIL", L("contact e-mail", "контактный e-mail")),
                            OptionSpec(.phone, value: "PHONE", L("contact phone", "контактный телефон")),
                            passwordStdin, generatePassword,
                        ],
                        examples: [Example("mygaz-admin user create 89815676522 --name 'Петров Иван Сергеевич' --generate-password",
                                           L("Register a customer who came to the office; the password is printed once.",
                                             "Зарегистрировать пришедшего в офис клиента; пароль будет показан один раз."))],
                        access: desk, handler: create),
            CommandSpec("confirm", L("confirm registrations: pending → active", "подтвердить регистрацию: pending → active"),
                        arguments: [usersArg],
                        options: [OptionSpec(.codeStdin, L("check the code the customer received (read from stdin) instead of confirming in person",
                                                             "проверить код, полученный клиентом (со стандартного ввода), вместо подтверждения лично"))]
                                  + Decisions.options,
                        access: deskAndSupport, handler: confirm),
            CommandSpec("block", L("block users, with the reason", "заблокировать пользователей с указанием причины"),
                        arguments: [usersArg],
                        options: [OptionSpec(.reason, value: "TEXT", L("required: why", "обязательно: причина"))] + Decisions.options,
                        access: deskAndSupport, handler: block),
            CommandSpec("unblock", L("unblock users", "разблокировать пользователей"),
                        arguments: [usersArg], options: Decisions.options, access: deskAndSupport, handler: unblock),
            CommandSpec("reset-password", L("set a new password; open recovery codes stop working", "задать новый пароль; открытые коды восстановления перестают действовать"),
                        discussion: L("The customer is told at her login and her other contact, in her RGK's letter: a reset she did not ask for is how accounts are stolen.",
                                      "Клиенту сообщается на логин и на другой ее контакт письмом ее РГК: сброс, которого она не просила, — так угоняют учетные записи."),
                        arguments: [userArg], options: [passwordStdin, generatePassword],
                        examples: [Example("printf 'Abc12345\\n' | mygaz-admin user reset-password gusev.i1@rambler.ru --password-stdin",
                                           L("The password never appears on the command line.", "Пароль никогда не попадает в командную строку."))],
                        access: deskAndSupport, handler: resetPassword),
            CommandSpec("set-login", L("change the login (the customer's phone changed)", "сменить логин (у клиента сменился телефон)"),
                        discussion: L("The customer is told at the old login and at the new one, in her RGK's letter (like user edit).",
                                      "Клиенту сообщается и на старый, и на новый логин письмом ее РГК (как в user edit)."),
                        arguments: [userArg, ArgumentSpec("NEW_LOGIN", L("the new phone or e-mail", "новый телефон или e-mail"))],
                        access: deskAndSupport, handler: setLogin),
            CommandSpec("set-username", L("change the username, the portal's sign-in name beside the phone",
                                          "сменить имя пользователя — имя для входа в портал наряду с телефоном"),
                        discussion: L("Manual 003: Latin or Russian letters and spaces, at most 45, beginning and ending with a letter; unique whatever the case. The customer is told at her phone and e-mail. A forgotten username is recovered only by SMS to the registration phone.",
                                      "Руководство 003: латинские или русские буквы и пробелы, не более 45, первая и последняя — буквы; уникально без учета регистра. Клиенту сообщается на телефон и e-mail. Забытое имя восстанавливается только по SMS на телефон регистрации."),
                        arguments: [userArg, ArgumentSpec("NAME", L("the new username, quoted when it has spaces", "новое имя пользователя, в кавычках, если есть пробелы"))],
                        examples: [Example("mygaz-admin user set-username 14 'Ivan Petrov'", L("A name with a space, quoted.", "Имя с пробелом — в кавычках."))],
                        access: deskAndSupport, handler: setUsername),
            CommandSpec("resend-code", L("send a new confirmation or recovery code, or a new activation link", "отправить новый код подтверждения или восстановления или новую ссылку активации"),
                        discussion: L("A customer who signed in through Yandex, VK, Mail.ru, Google or Odnoklassniki activates the account by a link sent to that sign-in's e-mail (manual 000). The new link works once, for 24 hours, and the earlier one stops working; it leads to the portal's address in the portal.url setting.",
                                      "Клиент, вошедший через Яндекс, ВКонтакте, Mail.ru, Google или Одноклассники, активирует учетную запись по ссылке, отправленной на e-mail этого входа (руководство 000). Новая ссылка действует один раз, 24 часа, прежняя перестает действовать; она ведет на адрес портала из настройки portal.url."),
                        arguments: [userArg],
                        options: [OptionSpec(.purpose, value: "PURPOSE", L("registration (valid 160 s), recovery (70 s) or activation (a link, 24 h); default by the user's state",
                                                                           "registration (160 с), recovery (70 с) или activation (ссылка, 24 ч); по умолчанию — по состоянию пользователя"),
                                             choices: CodePurpose.codes + ["activation"]),
                                  OptionSpec(.identity, value: "PROVIDER", L("the sign-in to activate, when the user has several", "вход, который нужно активировать, если их несколько"),
                                             choices: IdentityProvider.codes)],
                        examples: [Example("mygaz-admin user resend-code lebedeva.o@yandex.ru",
                                           L("The customer signed in with Yandex and never got the activation letter.",
                                             "Клиент вошел через Яндекс, а письмо для активации не пришло."))],
                        access: deskAndSupport, handler: resendCode),
            CommandSpec("delete", L("erase a user's personal data on request (history kept, anonymised)",
                                    "удалить персональные данные по запросу (история сохраняется обезличенной)"),
                        arguments: [userArg], options: [Opt.yes], access: desk, handler: delete),
            CommandSpec("purge-unconfirmed", L("remove registrations never confirmed", "удалить так и не подтвержденные регистрации"),
                        options: [OptionSpec(.olderThan, value: "DURATION", L("required: e.g. 7d", "обязательно: например, 7d")), Opt.dryRun, Opt.yes],
                        examples: [Example("mygaz-admin user purge-unconfirmed --older-than 7d --dry-run", L("See what would go.", "Посмотреть, что будет удалено."))],
                        access: deskAndSupport, handler: purge),
            CommandSpec("edit", L("change a user's name, contacts, notifications or e-mail bills", "изменить ФИО, контакты, уведомления или квитанции на e-mail"),
                        discussion: L("As the customer would in the profile (manual 001 §4.7.1). Every field changed is audited; a changed e-mail or phone is told at the old contact and at the new one. The login is changed with set-login.",
                                      "Как клиент в профиле (руководство 001 §4.7.1). Каждое изменение записывается в журнал; об изменении e-mail или телефона сообщается и на старый, и на новый контакт. Логин меняет set-login."),
                        arguments: [userArg],
                        options: [OptionSpec(.name, value: "TEXT", L("the full name", "ФИО")),
                                  OptionSpec(.email, value: "EMAIL", L("the contact e-mail", "контактный e-mail")),
                                  OptionSpec(.phone, value: "PHONE", L("the contact mobile phone", "контактный мобильный телефон")),
                                  OptionSpec(.notifyDebts, value: "on|off", L("notify of new debts", "уведомлять о задолженности"), choices: ["on", "off"]),
                                  OptionSpec(.notifyStatus, value: "on|off", L("notify of application status changes", "уведомлять о статусе заявок"), choices: ["on", "off"]),
                                  OptionSpec(.notifyNews, value: "on|off", L("send news", "присылать новости"), choices: ["on", "off"]),
                                  OptionSpec(.emailBills, value: "on|off", L("bills by e-mail every month", "квитанции на e-mail каждый месяц"), choices: ["on", "off"])],
                        examples: [Example("mygaz-admin user edit 303 --email-bills on --notify-news off", L("The customer asks for bills by e-mail and no news.", "Клиент просит квитанции на e-mail и без новостей."))],
                        access: desk, handler: edit),
            CommandSpec("alias", L("name a linked account for the user (Дача), or clear the name", "назвать привязанный счет для пользователя (Дача) или убрать название"),
                        arguments: [userArg, accountArg, ArgumentSpec("TEXT", L("the name (omit with --clear)", "название (не нужно с --clear)"), arity: .optional)],
                        options: [rgkForAccount, OptionSpec(.clear, L("remove the name", "убрать название"))],
                        examples: [Example("mygaz-admin user alias 303 70000724 --rgk vologda Дача", L("The account reads «Дача» in the portal.", "В портале счет будет называться «Дача»."))],
                        access: desk, handler: alias),
            CommandSpec("link", L("link a personal account to a user (at most 3)", "привязать лицевой счет к пользователю (не более 3)"),
                        arguments: [userArg, accountArg],
                        options: [rgkForAccount, OptionSpec(.alias, value: "TEXT", L("the user's name for the account (Дача)", "название счета для пользователя (Дача)"))],
                        access: desk, handler: link),
            CommandSpec("unlink", L("remove the link (the account stays)", "отвязать счет (сам счет остается)"),
                        arguments: [userArg, accountArg], options: [rgkForAccount], access: desk, handler: unlink),
            CommandSpec("unlink-card", L("disconnect a bank card the customer linked in the portal (a lost card)",
                                         "отвязать банковскую карту, привязанную клиентом в портале (карта утеряна)"),
                        discussion: L("The card is removed as the portal removes it (manual 001 §4.7.3.2); the audit row names the user and the reason, not the card; the customer is told at the login.",
                                      "Карта удаляется так же, как ее удаляет портал (руководство 001, п. 4.7.3.2); запись аудита называет пользователя и причину, но не карту; клиенту сообщается по логину."),
                        arguments: [userArg, ArgumentSpec("CARD", L("the card's id from 'user show', or its last 4 digits", "id карты из «user show» или ее последние 4 цифры"))],
                        options: [OptionSpec(.reason, value: "TEXT", L("required: why (the customer's request)", "обязательно: причина (обращение клиента)"))],
                        examples: [Example("mygaz-admin user unlink-card 14 3458 --reason 'Карта утеряна, заявление в офисе'",
                                           L("By the card's last 4 digits.", "По последним 4 цифрам карты."))],
                        access: desk, handler: unlinkCard),
            CommandSpec("grant-extended", L("unlock the extended version for a linked account", "подключить расширенную версию для привязанного счета"),
                        discussion: L("Either the clerk saw the documents (--in-person), or the customer's answer is read from stdin and checked against an active PIN of the account, the serial number of one of its meters, or the last charge in kopecks (314.72 ₽ → 31472). Five wrong answers lock the link until 'user unlock-extended'.",
                                      "Либо сотрудник видел документы (--in-person), либо ответ клиента читается со стандартного ввода и сверяется с действующим ПИН-кодом счета, заводским номером одного из его приборов учета или суммой последнего начисления в копейках (314,72 ₽ → 31472). Пять неверных ответов блокируют привязку до «user unlock-extended»."),
                        arguments: [userArg, accountArg],
                        options: [rgkForAccount,
                                  OptionSpec(.inPerson, L("the clerk checked the documents", "сотрудник проверил документы")),
                                  OptionSpec(.answerStdin, L("read the customer's control answer from stdin", "прочитать ответ клиента на контрольный вопрос со стандартного ввода"))],
                        examples: [Example("echo 89286528 | mygaz-admin user grant-extended 89100004103 70001435 --answer-stdin",
                                           L("The customer named the serial number of a meter.", "Клиент назвал заводской номер прибора учета."))],
                        access: desk, handler: grantExtended),
            CommandSpec("unlock-extended", L("clear the wrong answers that locked a link", "сбросить неверные ответы, заблокировавшие привязку"),
                        arguments: [userArg, accountArg], options: [rgkForAccount], access: deskAndSupport, handler: unlockExtended),
        ])

    // MARK: reading

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = UserFilter()
        filter.status = try inv.choice(.status, as: UserStatus.self)
        filter.search = inv.string(.search)
        filter.rgk = inv.string(.rgk)
        filter.registeredBefore = try inv.moment(.registeredBefore)
        filter.registeredAfter = try inv.moment(.registeredAfter)
        filter.limit = try inv.limit()
        filter.scope = try inv.session.rgkScope()
        let users = try Users.list(inv.db, filter)
        var t = UserView.table(users, inv.out)
        if users.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let id = try inv.user(inv.argument("USER")!)
        let u = try Users.show(inv.db, id, now: inv.clock.now)
        var record = UserView.record(u, inv.out)
        CardView.section(try Cards.of(inv.db, userID: id), into: &record, inv.out)
        inv.out.record(record)
        return .success
    }

    // MARK: changes

    static func readPassword(_ inv: Invocation) throws -> (password: String, generated: Bool) {
        try inv.exclusive(.passwordStdin, .generatePassword)
        if inv.flag(.generatePassword) { return (Secrets.password(), true) }
        let prompt = inv.out.texts.render(.promptPassword)
        let again = inv.out.texts.render(.promptPasswordAgain)
        let password = try inv.secret(fromStdin: inv.flag(.passwordStdin), prompt: prompt, confirmPrompt: again)
        guard Contact.isValidPassword(password) else { throw MyGazError.invalid(.badPassword) }
        return (password, false)
    }

    static func create(_ inv: Invocation) throws -> ExitStatus {
        let loginText = inv.argument("LOGIN")!
        guard Contact.login(loginText) != nil else { throw MyGazError.invalid(.badLogin, .text(loginText)) }
        let (password, generated) = try readPassword(inv)
        let id = try Users.create(inv.session, .init(login: loginText, fullName: try inv.text(.name), email: inv.string(.email),
                                                     phone: inv.string(.phone), password: password))
        let login = Contact.login(loginText)!.login
        var extra: [(String, Value)] = [("login", .text(login))]
        if generated { extra.append(("password", .text(password))) }
        if inv.out.isHuman {
            inv.out.say(.userCreated, .text(String(id)), .text(login))
            if generated { inv.out.sayText(inv.out.texts.render(.passwordShownOnce, .text(password))) }
        } else {
            inv.out.results([ActionResult(id: String(id), outcome: .changed, status: "active", extra: extra)])
        }
        return .success
    }

    static func batch(_ inv: Invocation, _ action: (Int64) throws -> Transition) throws -> ExitStatus {
        try Decisions.run(inv, ids: try inv.ids("USER"), argument: "USER") { text in
            try action(try Users.resolve(inv.db, text))
        }
    }

    static func confirm(_ inv: Invocation) throws -> ExitStatus {
        if inv.flag(.codeStdin) {
            try inv.exclusive(.codeStdin, .dryRun)
            let ids = inv.arguments("USER")
            guard ids.count == 1, ids != ["-"] else { throw MyGazError.usage(.codeOneUser) }
            guard let code = inv.io.stdin.readLine(), !code.isEmpty else { throw MyGazError.invalid(.stdinEmpty, .text(inv.commandName)) }
            let id = try inv.userToDecide(ids[0])
            let t = try Users.confirm(inv.session, id, code: code)
            return Report.single(t, inv.out)
        }
        return try batch(inv) { try Users.confirm(inv.session, $0, code: nil) }
    }

    static func block(_ inv: Invocation) throws -> ExitStatus {
        guard let reason = try inv.text(.reason) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason") }
        return try batch(inv) { try Users.block(inv.session, $0, reason: reason) }
    }

    static func unblock(_ inv: Invocation) throws -> ExitStatus {
        try batch(inv) { try Users.unblock(inv.session, $0) }
    }

    static func resetPassword(_ inv: Invocation) throws -> ExitStatus {
        let id = try inv.userToDecide(inv.argument("USER")!)
        let (password, generated) = try readPassword(inv)
        let told = try Users.resetPassword(inv.session, id, password: password)
        if inv.out.isHuman {
            inv.out.say(.passwordReset, .text(String(id)))
            told.forEach { inv.out.say($0.note) }
            if generated { inv.out.sayText(inv.out.texts.render(.passwordShownOnce, .text(password))) }
        } else {
            inv.out.results([ActionResult(id: String(id), outcome: .changed, status: nil,
                                          extra: (generated ? [("password", .text(password))] : []) + [("told", .array(told.map { .text($0.recipient) }))])])
        }
        return .success
    }

    static func setLogin(_ inv: Invocation) throws -> ExitStatus {
        let id = try inv.userToDecide(inv.argument("USER")!)
        let (old, new, told) = try Users.setLogin(inv.session, id, newLogin: inv.argument("NEW_LOGIN")!)
        let human = old == new ? Message(.unchanged, [.entity(.user), .text(String(id)), .text(new)])
                               : Message(.loginChanged, [.text(String(id)), .text(old), .text(new)])
        inv.out.results([ActionResult(id: String(id), outcome: old == new ? .unchanged : .changed, status: nil, human: human,
                                      extra: [("old_login", .text(old)), ("login", .text(new)), ("told", .array(told.map { .text($0.recipient) }))])])
        if inv.out.isHuman { told.forEach { inv.out.say($0.note) } }
        return .success
    }

    static func setUsername(_ inv: Invocation) throws -> ExitStatus {
        let id = try inv.userToDecide(inv.argument("USER")!)
        let name = inv.argument("NAME")!
        let (old, changed, told) = try Username.set(inv.session, id, name)
        let human = changed ? [Message(.usernameChanged, [.text(String(id)), .text(old.map { "«\($0)»" } ?? "—"), .text(name)])] + told.map(\.note)
                            : [Message(.unchanged, [.entity(.user), .text(String(id)), .text(name)])]
        inv.out.object([("id", .int(id)), ("result", .text(changed ? "changed" : "unchanged")), ("username", .text(name)),
                        ("told", .array(told.map { .text($0.recipient) }))], human: human)
        return .success
    }

    static func resendCode(_ inv: Invocation) throws -> ExitStatus {
        let id = try inv.userToDecide(inv.argument("USER")!)
        let identity = try inv.choice(.identity, as: IdentityProvider.self)
        let purpose = inv.string(.purpose)
        let activation = try purpose == "activation" || identity != nil || (purpose == nil && Users.awaitsActivation(inv.db, id))
        if activation {
            if let purpose, purpose != "activation" {
                throw MyGazError.usage(.optionsExclusive, .text("--purpose \(purpose)"), "--identity")
            }
            let sent = try Users.resendActivation(inv.session, id, provider: identity)
            inv.out.results([ActionResult(id: String(id), outcome: .changed, status: nil,
                                          human: Message(.activationQueued, [.text(String(id)), .code(.identityProvider, sent.provider),
                                                                             .text(sent.destination), .text(Timestamp.display(sent.expiresAt))]),
                                          extra: [("purpose", .text("activation")), ("channel", .text(MessageChannel.email.rawValue)),
                                                  ("identity", .text(sent.provider)),
                                                  ("destination", .text(sent.destination)), ("expires_at", .text(sent.expiresAt))])])
            return .success
        }
        let sent = try Users.resendCode(inv.session, id, purpose: try inv.choice(.purpose, as: CodePurpose.self))
        inv.out.results([ActionResult(id: String(id), outcome: .changed, status: nil,
                                      human: Message(.codeQueued, [.text(String(id)), .code(.codePurpose, sent.purpose.rawValue),
                                                                   .code(.messageChannel, sent.channel.rawValue),
                                                                   .text(Contact.written(sent.destination)), .text(Timestamp.display(sent.expiresAt))]),
                                      extra: [("purpose", .text(sent.purpose.rawValue)), ("channel", .text(sent.channel.rawValue)),
                                              ("destination", .text(sent.destination)), ("expires_at", .text(sent.expiresAt))])])
        return .success
    }

    static func delete(_ inv: Invocation) throws -> ExitStatus {
        let text = inv.argument("USER")!
        let id = try inv.userToDecide(text)
        // the person named as the clerk knows her: her name and login, not the id typed twice
        let user = try Users.show(inv.db, id, now: inv.clock.now)
        let who = [user.fullName, Format.login(user.login)].compactMap { $0 }.map(UntrustedText.visible).joined(separator: ", ")
        guard try inv.confirm(inv.out.texts.render(.confirmDeleteUser, .text(String(id)), .text(who))) else { return .success }
        let t = try Users.delete(inv.session, id)
        return Report.single(t, inv.out)
    }

    static func purge(_ inv: Invocation) throws -> ExitStatus {
        guard let age = try inv.duration(.olderThan) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--older-than") }
        let candidates = try Users.unconfirmed(inv.db, olderThan: age, now: inv.clock.now)
        if inv.flag(.dryRun) || candidates.isEmpty {
            var t = Table([Column("id", L("ID", "ID"), align: .right), Column("login", L("LOGIN", "ЛОГИН")),
                           Column("registered_at", L("REGISTERED", "РЕГИСТРАЦИЯ"))])
            for u in candidates { t.append([Cell(.int(u.id)), Cell(.text(u.login)), Cell(.text(u.registeredAt), display: Timestamp.display(u.registeredAt))]) }
            inv.out.table(t)
            inv.out.say(.purgeWouldRemove, .int(candidates.count))
            if inv.flag(.dryRun) { inv.out.say(.dryRunNothingWritten) }
            return .success
        }
        guard try inv.confirm(inv.out.texts.render(.confirmPurge, .int(candidates.count))) else { return .success }
        let removed = try Users.purgeUnconfirmed(inv.session, olderThan: age)
        inv.out.object([("removed", .int(Int64(removed)))], human: [Message(.purged, [.int(removed)])])
        return .success
    }

    static func linkTarget(_ inv: Invocation) throws -> (Int64, AccountRef) {
        let id = try inv.userToDecide(inv.argument("USER")!)
        let account = try inv.accountToDecide(inv.argument("ACCOUNT")!)
        return (id, account)
    }

    static func edit(_ inv: Invocation) throws -> ExitStatus {
        let id = try inv.userToDecide(inv.argument("USER")!)
        var change = ProfileChange()
        change.name = try inv.text(.name)
        change.email = inv.string(.email)
        change.phone = inv.string(.phone)
        func on(_ name: OptionName) throws -> Bool? {
            guard let text = inv.string(name) else { return nil }
            switch text.lowercased() {
            case "on": return true
            case "off": return false
            default: throw MyGazError.usage(.badSwitch, .text("--\(name.rawValue)"), .text(text))
            }
        }
        change.notifyDebts = try on(.notifyDebts)
        change.notifyStatus = try on(.notifyStatus)
        change.notifyNews = try on(.notifyNews)
        change.emailBills = try on(.emailBills)
        guard !change.isEmpty else {
            throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--name, --email, --phone, --notify-debts, --notify-status, --notify-news, --email-bills")
        }
        let (changed, told) = try Profile.edit(inv.session, id, change)
        var human = [changed.isEmpty ? Message(.profileUnchanged, [.text(String(id))]) : Message(.profileEdited, [.text(String(id)), .text(changed.map { inv.out.texts.label(.profileField, $0) }.joined(separator: ", "))])]
        human += told.map(\.note)
        inv.out.object([("id", .int(id)), ("result", .text(changed.isEmpty ? "unchanged" : "changed")), ("changed", .array(changed.map(Value.text))),
                        ("told", .array(told.map { .text($0.recipient) }))], human: human)
        return .success
    }

    static func alias(_ inv: Invocation) throws -> ExitStatus {
        let (id, account) = try linkTarget(inv)
        let text = inv.argument("TEXT")
        guard (text == nil) == inv.flag(.clear) else { throw MyGazError.usage(.aliasNeedsText) }
        let t = try Profile.alias(inv.session, id, account, text)
        inv.out.results([ActionResult(id: String(id), outcome: t.changed ? .changed : .unchanged, status: nil, human: t.human,
                                      extra: [("account", .text(account.number)), ("rgk", .text(account.rgkCode)), ("alias", .of(text))])])
        return .success
    }

    static func link(_ inv: Invocation) throws -> ExitStatus {
        let (id, account) = try linkTarget(inv)
        let changed = try Users.link(inv.session, id, account: account, alias: try inv.text(.alias))
        let human = Message(changed ? .linked : .alreadyLinked, [.text(String(id)), .text(account.label)])
        inv.out.results([ActionResult(id: String(id), outcome: changed ? .changed : .unchanged, status: "restricted", human: human,
                                      extra: [("account", .text(account.number)), ("rgk", .text(account.rgkCode))])])
        return .success
    }

    static func unlink(_ inv: Invocation) throws -> ExitStatus {
        let (id, account) = try linkTarget(inv)
        let changed = try Users.unlink(inv.session, id, account: account)
        let human = Message(changed ? .unlinked : .notLinked, [.text(String(id)), .text(account.label)])
        inv.out.results([ActionResult(id: String(id), outcome: changed ? .changed : .unchanged, status: nil, human: human,
                                      extra: [("account", .text(account.number)), ("rgk", .text(account.rgkCode))])])
        return .success
    }

    static func unlinkCard(_ inv: Invocation) throws -> ExitStatus {
        guard let reason = try inv.text(.reason) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason") }
        let id = try inv.userToDecide(inv.argument("USER")!)
        let (card, told) = try Cards.unlink(inv.session, userID: id, card: inv.argument("CARD")!, reason: reason)
        inv.out.object([("id", .int(id)), ("result", .text("changed")), ("card", .int(card.id)), ("number", .text(card.masked)),
                        ("told", .array(told.map { [.text($0.recipient)] } ?? []))],
                       human: [Message(.cardUnlinked, [.text(String(id)), .text(card.masked)])] + (told.map { [$0.note] } ?? []))
        return .success
    }

    static func grantExtended(_ inv: Invocation) throws -> ExitStatus {
        try inv.exclusive(.inPerson, .answerStdin)
        let proof: Users.ExtendedProof
        if inv.flag(.inPerson) {
            proof = .inPerson
        } else if inv.flag(.answerStdin) {
            guard let answer = inv.io.stdin.readLine() else { throw MyGazError.invalid(.stdinEmpty, .text(inv.commandName)) }
            proof = .answer(answer)
        } else {
            throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--in-person, --answer-stdin")
        }
        let (id, account) = try linkTarget(inv)
        let t = try Users.grantExtended(inv.session, id, account: account, proof: proof)
        return Report.single(t, inv.out)
    }

    static func unlockExtended(_ inv: Invocation) throws -> ExitStatus {
        let (id, account) = try linkTarget(inv)
        let changed = try Users.unlockExtended(inv.session, id, account: account)
        let human = Message(changed ? .extendedUnlocked : .extendedNotLocked, [.text(String(id)), .text(account.label)])
        inv.out.results([ActionResult(id: String(id), outcome: changed ? .changed : .unchanged, status: nil, human: human)])
        return .success
    }
}
