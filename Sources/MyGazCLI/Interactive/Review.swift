import Foundation
import MyGazCore

/// A decision key of a queue: `a` accept, `r` reject…
struct ReviewAction {
    let key: Character
    let label: L
    /// What the summary counts it as ("accepted").
    let tally: L
}

/// One item as it is now.
struct ReviewCard {
    var lines: [String]
    /// Still waiting for a decision.
    var open: Bool
    /// Its state, for "decided meanwhile" lines.
    var state: String
}

enum ReviewOutcome {
    /// Done: the line to show (the same words as the non-interactive command's).
    case done(String)
    /// The clerk changed their mind at a prompt.
    case cancelled
    /// Another clerk got there first.
    case changedMeanwhile(String)
}

/// What a queue gives the review loop. Decisions are the same service calls as the commands'.
protocol ReviewQueue: AnyObject {
    var noun: L { get }
    var actions: [ReviewAction] { get }
    /// The queue's ids in review order, read once at the start.
    func ids() throws -> [Int64]
    func card(_ id: Int64, width: Int) throws -> ReviewCard
    func perform(_ action: ReviewAction, on id: Int64, ui: ReviewUI) throws -> ReviewOutcome
    /// Everything about the item, for `o`.
    func fullView(_ id: Int64) throws -> String
    var openKeyLabel: L { get }
    var openKeyHelp: L { get }
    /// The running review's screen (cards need its language, colours and size).
    var current: ReviewUI? { get set }
}

/// The review loop: one item on the screen, one key to decide, the next item at once.
final class ReviewUI {
    let terminal: RawTerminal
    let out: Output
    let session: Session
    var lang: Lang { out.lang }

    init(terminal: RawTerminal, out: Output, session: Session) {
        self.terminal = terminal
        self.out = out
        self.session = session
    }

    /// Colour by the output rules (never with --no-color or NO_COLOR).
    func paint(_ text: String, _ style: Style) -> String { out.paint(text, style, stream: .stdout) }

    /// "Label   value" lines, the value wrapped under itself.
    /// A labelled value, wrapped to the card's width. A value is one line (a line break in a name or
    /// an address is shown as `\n`, so that it cannot pose as a line of its own); `multiline`
    /// keeps the lines of a text written as several (a comment).
    func field(_ label: L, _ value: String, width: Int, labelWidth: Int = 12, style: Style = .plain, multiline: Bool = false) -> [String] {
        let text = label(lang)
        let given = multiline ? UntrustedText.visibleLines(value) : [UntrustedText.visible(value)]
        let wrapped = given.flatMap { DisplayWidth.wrap($0, to: max(20, width - labelWidth - 1)) }
        let indent = String(repeating: " ", count: labelWidth)
        // a label wider than its column gets a line of its own
        let long = DisplayWidth.of(text) > labelWidth
        let lines = wrapped.enumerated().map { i, line in
            (i == 0 && !long ? paint(DisplayWidth.pad(text, to: labelWidth), .dim) : indent) + " " + paint(line, style)
        }
        return long ? [paint(text, .dim)] + lines : lines
    }

    func ask(_ prompt: L, initial: String = "") -> String? { terminal.readLine(prompt(lang) + " ", initial: initial) }

    func confirm(_ question: String) -> Bool {
        guard let answer = terminal.readLine(question + YesNo.suffix(lang)) else { return false }
        return YesNo.isYes(answer)
    }

    /// A numbered list on the screen; the clerk types a number (Enter takes the preselected one).
    func choose(_ title: L, _ options: [(String, String)], preselected: Int = 0, context: [String]) -> Int? {
        let (rows, columns) = terminal.size
        // the last row is the prompt's; the card's first line (what is being decided) always stays
        // on the screen: the card gives way from its end, then the list from its end, with a line
        // saying how many more there are (their numbers still work)
        let room = rows - 1
        var list = options.enumerated().map { i, option in
            DisplayWidth.truncate("\(i == preselected ? "*" : " ")\(String(i + 1).leftPad(max(2, String(options.count).count))). \(UntrustedText.visible(option.0))"
                                  + (option.1.isEmpty ? "" : "  " + paint(UntrustedText.visible(option.1), .dim)), to: columns)
        }
        let head = context.isEmpty ? [] : Array(context.prefix(max(1, room - 2 - list.count)))
        let fits = room - head.count - (head.isEmpty ? 1 : 2)
        if list.count > fits {
            let shown = max(1, fits - 1)
            list = Array(list.prefix(shown)) + [paint(DisplayWidth.truncate(L("… \(options.count - shown) more, numbers up to \(options.count)",
                                                                              "… еще \(options.count - shown), номера до \(options.count)")(lang), to: columns), .dim)]
        }
        let lines = head + (head.isEmpty ? [] : [""]) + [paint(DisplayWidth.truncate(title(lang), to: columns), .bold)] + list
        terminal.draw(Array(lines.prefix(room)))
        while true {
            guard let answer = terminal.readLine((lang == .ru ? "Номер" : "Number") + " [\(preselected + 1)]: ") else { return nil }
            if answer.isEmpty { return preselected }
            if let n = Int(answer), (1...options.count).contains(n) { return n - 1 }
        }
    }

    /// $VISUAL or $EDITOR, with the terminal as the clerk has it; nil when left empty.
    func editor(_ template: String) throws -> String? {
        try terminal.suspended { try Editor.compose(template: template, environment: out.io.environment) }
    }

    /// Text longer than a screen, a screenful at a time: any key for more, q to go back.
    func page(_ text: String) {
        let (rows, columns) = terminal.size
        let lines = Self.screenLines(text, columns: columns)
        var top = 0
        while true {
            let screen = Array(lines[top..<min(lines.count, top + rows - 1)])
            let more = top + rows - 1 < lines.count
            terminal.draw(screen + [paint(more ? L("— more: Space; back: q —", "— дальше: пробел; назад: q —")(lang)
                                             : L("— end; back: any key —", "— конец; назад: любая клавиша —")(lang), .dim)])
            let key = terminal.readKey()
            if !more || key.command == "q" || key == .escape || key == .interrupt || key == .end { return }
            top += key == .down || key == .enter ? 1 : rows - 2
        }
    }

    /// Our own output (escaped where it holds data, coloured where we coloured it) cut into lines
    /// of the screen's width. A line that fits keeps its colours; a longer one is wrapped without
    /// them, so that no colour is cut in two. `draw` makes anything else a terminal would act on
    /// visible.
    static func screenLines(_ text: String, columns: Int) -> [String] {
        var lines: [String] = []
        for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(String.UnicodeScalarView(line))
            if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
            let plain = UntrustedText.withoutColours(line)
            lines += DisplayWidth.of(plain) <= columns ? [line] : DisplayWidth.wrap(plain, to: columns)
        }
        return lines
    }

    func line(_ message: Message) -> String { out.texts.render(message) }
}

enum Review {
    static func run(_ queue: ReviewQueue, _ inv: Invocation) throws -> ExitStatus {
        guard inv.io.terminal.stdinIsTTY && inv.io.terminal.stdoutIsTTY else {
            throw MyGazError.usage(.reviewNeedsTerminal, .text(inv.commandName))
        }
        let ids = try queue.ids()
        let lang = inv.out.lang
        guard !ids.isEmpty else {
            inv.out.say(.reviewNothing, .text(queue.noun(lang)))
            return .success
        }
        let terminal = try RawTerminal()
        let ui = ReviewUI(terminal: terminal, out: inv.out, session: inv.session)
        queue.current = ui
        var tally: [Character: Int] = [:]
        var skipped = Set<Int64>()
        var decidedHere = Set<Int64>()
        var byOthers = 0
        var flash: String?
        var index = 0
        var forward = true
        var interrupted = false
        terminal.enter()
        defer { terminal.leave() }

        loop: while index < ids.count {
            let id = ids[index]
            let (rows, columns) = terminal.size
            let width = min(columns, 100)
            let card: ReviewCard
            do {
                card = try queue.card(id, width: width)
            } catch let error as MyGazError where error.status == .notFound {
                flash = ui.line(error.message)
                index += forward ? 1 : -1
                if index < 0 { index = 0; forward = true }
                continue
            }
            if !card.open && forward && !decidedHere.contains(id) {
                // decided by someone else since the review began: say so, and go on
                byOthers += 1
                flash = ui.paint(ui.line(Message(.reviewDecidedMeanwhile, [.text(queue.noun(lang)), .text(String(id)), .text(card.state)])), .yellow)
                index += 1
                continue
            }
            var screen = card.lines
            // the decision's line wrapped to the screen, never wider: a wider one would push the screen's top line off
            if let flash { screen = ReviewUI.screenLines(flash, columns: columns) + [""] + screen }
            flash = nil
            let keys = keyLine(queue, ui, open: card.open, columns: columns)
            let status = statusLine(queue, ui, position: index + 1, total: ids.count, tally: tally, skipped: skipped.count, byOthers: byOthers)
            let room = rows - 3
            if screen.count > room {
                screen = Array(screen.prefix(room - 1)) + [ui.paint(L("… more with o", "… подробнее — o")(lang), .dim)]
            }
            screen += Array(repeating: "", count: max(0, room - screen.count))
            terminal.draw(screen + ["", keys, ui.paint(DisplayWidth.pad(DisplayWidth.truncate(status, to: columns), to: columns), .bold)])

            let key = terminal.readKey()
            if key == .interrupt { interrupted = true; break loop }
            if key == .end { break loop }
            switch key.command ?? (key == .right || key == .down ? "s" : key == .left || key == .up ? "b" : " ") {
            case "q":
                break loop
            case "s":
                if card.open { skipped.insert(id) }
                index += 1
                forward = true
            case "b":
                if index > 0 { index -= 1 }
                forward = false
            case "?", "h":
                ui.page(help(queue, ui))
            case "o":
                do { ui.page(try queue.fullView(id)) } catch { flash = ui.line(MyGazError.from(error, path: inv.globals.dbShown).message) }
            case let c:
                guard let action = queue.actions.first(where: { $0.key == c }) else { continue }
                guard card.open else {
                    flash = ui.paint(ui.line(Message(.reviewAlreadyDecided, [.text(queue.noun(lang)), .text(String(id)), .text(card.state)])), .yellow)
                    continue
                }
                do {
                    switch try queue.perform(action, on: id, ui: ui) {
                    case .done(let line):
                        tally[action.key, default: 0] += 1
                        decidedHere.insert(id)
                        skipped.remove(id)
                        flash = ui.paint(line, .green)
                        index += 1
                        forward = true
                    case .cancelled:
                        flash = ui.paint(L("cancelled: nothing changed", "отменено: ничего не изменилось")(lang), .dim)
                    case .changedMeanwhile(let line):
                        byOthers += 1
                        flash = ui.paint(line, .yellow)
                        index += 1
                        forward = true
                    }
                } catch {
                    let mine = MyGazError.from(error, path: inv.globals.dbShown)
                    if mine.status == .conflict || mine.status == .notFound {
                        // another clerk moved it between the screen and the key: report, skip
                        byOthers += 1
                        flash = ui.paint(ui.line(Message(.reviewConflict, [.text(ui.line(mine.message))])), .yellow)
                        index += 1
                        forward = true
                    } else if mine.status == .database {
                        throw mine
                    } else {
                        flash = ui.paint(ui.line(mine.message), .red)
                    }
                }
            }
        }
        terminal.leave()
        var parts = queue.actions.compactMap { a in tally[a.key].map { "\(a.tally(lang)) \($0)" } }
        if !skipped.isEmpty { parts.append(L("skipped", "пропущено")(lang) + " \(skipped.count)") }
        if byOthers > 0 { parts.append(L("decided by others", "решено другими")(lang) + " \(byOthers)") }
        inv.out.say(.reviewSummary, .text(queue.noun(lang)), .int(min(ids.count, index + (interrupted ? 0 : 0))), .int(ids.count),
                    .text(parts.isEmpty ? L("nothing decided", "решений нет")(lang) : parts.joined(separator: ", ")))
        return interrupted ? .interrupted : .success
    }

    /// An RGK on a card: its name, and the code a clerk types in brackets.
    static func rgk(_ code: String, _ db: any Storage) throws -> String {
        try RGK.names(db)[code].map { "\($0) (\(code))" } ?? code
    }

    /// "a accept  r reject  s skip …", shortened to the keys alone when the line is too narrow.
    static func keyLine(_ queue: ReviewQueue, _ ui: ReviewUI, open: Bool, columns: Int) -> String {
        let lang = ui.lang
        var pairs = open ? queue.actions.map { (String($0.key), $0.label(lang)) } : []
        pairs += [("s", L("skip", "пропустить")), ("b", L("back", "назад")), ("o", queue.openKeyLabel), ("q", L("quit", "выход")), ("?", L("help", "справка"))]
            .map { ($0.0, $0.1(lang)) }
        for separator in ["  ", " "] where DisplayWidth.of(pairs.map { "\($0.0) \($0.1)" }.joined(separator: separator)) <= columns {
            return pairs.map { "\(ui.paint($0.0, .bold)) \($0.1)" }.joined(separator: separator)
        }
        return pairs.map { ui.paint($0.0, .bold) }.joined(separator: " ") + "  (? " + L("help", "справка")(lang) + ")"
    }

    static func statusLine(_ queue: ReviewQueue, _ ui: ReviewUI, position: Int, total: Int, tally: [Character: Int], skipped: Int, byOthers: Int) -> String {
        let lang = ui.lang
        var parts = ["\(queue.noun(lang)) \(position)/\(total)"]
        parts += queue.actions.map { "\($0.tally(lang)) \(tally[$0.key] ?? 0)" }
        parts.append(L("skipped", "пропущено")(lang) + " \(skipped)")
        if byOthers > 0 { parts.append(L("by others", "другими")(lang) + " \(byOthers)") }
        return " " + parts.joined(separator: " · ")
    }

    static func help(_ queue: ReviewQueue, _ ui: ReviewUI) -> String {
        let lang = ui.lang
        var lines = [L("Keys (a Russian layout works too: ф is a, к is r…)", "Клавиши (русская раскладка тоже работает: ф — это a, к — r…)")(lang), ""]
        for a in queue.actions { lines.append("  \(a.key)  \(a.label(lang))") }
        lines += [
            "  s  " + L("skip to the next one (also → ↓)", "пропустить, к следующему (также → ↓)")(lang),
            "  b  " + L("back to the previous one (also ← ↑)", "назад, к предыдущему (также ← ↑)")(lang),
            "  o  " + queue.openKeyHelp(lang),
            "  q  " + L("quit; what was decided stays decided (also Ctrl-D)", "выход; решенное остается решенным (также Ctrl-D)")(lang),
            "  ?  " + L("this help", "эта справка")(lang),
            "",
            L("Every decision is saved at once, exactly as by the command line commands (audit, messages to the customer). An item another clerk decided meanwhile is shown and skipped.",
              "Каждое решение сохраняется сразу, так же как командами (журнал, сообщения клиенту). Объект, который тем временем решил другой сотрудник, показывается и пропускается.")(lang),
        ]
        return lines.joined(separator: "\n")
    }

    /// A command's output for the `o` screen: the same text as running it (`account show …`).
    static func capture(_ arguments: [String], _ ui: ReviewUI) -> String {
        let sink = MemorySink()
        let io = IO(stdout: sink, stderr: sink, stdin: MemoryInput(""), terminal: TerminalInfo(stdinIsTTY: false, stdoutIsTTY: ui.out.color, stderrIsTTY: false, width: ui.terminal.size.columns),
                    environment: ui.out.io.environment, prompter: ScriptedPrompter([]), clock: ui.out.io.clock, login: ui.session.login)
        let output = Output(io: io, format: .table, lang: ui.lang, color: ui.out.color, quiet: false)
        do {
            let parsed = try Parser(root: CommandTree.root, globals: GlobalOptions.all).parse(arguments)
            let globals = try Globals.resolve(parsed, environment: [:])
            let invocation = Invocation(parsed: parsed, io: io, out: output, globals: globals)
            invocation.openedSession = ui.session
            _ = try parsed.command.handler?(invocation)
        } catch {
            output.error(MyGazError.from(error, path: ui.session.db.path))
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
