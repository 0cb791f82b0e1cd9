import Foundation
import Testing
@testable import MyGazCore
@testable import MyGazCLI

/// Issue 41: a clerk at an 80×24 terminal reads every list and record of the demo in both
/// languages. A table fits the width by dropping its least useful columns and cutting free text;
/// a date, a phone, an amount or a state is never cut mid-value, and no line wraps.
@Suite struct EightyColumnsTests {
    /// What is wrong with one line of a screen at 80 columns; nil when nothing is.
    /// `labels`: the states a cut piece must not begin (empty where a column of the screen is a
    /// transition, «в обработке → отказано», which is free text like a reason).
    static func defect(_ line: String, labels: [String]) -> String? {
        if DisplayWidth.of(line) > 80 { return "wider than 80 columns (\(DisplayWidth.of(line)))" }
        guard line.contains("…") else { return nil }
        let cuts: [(String, Regex<Substring>)] = [
            ("a date", #/(?:^|\s)\d{1,2}(?:\.\d{0,2}(?:\.\d{0,4})?)?…/#),
            ("a phone", #/\+7(?: \(\d{0,3}(?:\) [\d-]*)?)?…/#),
            ("an amount", #/(?:^|\s)-?\d[\d  ]*(?:[,.]\d{0,2})?…/#),
        ]
        for (what, pattern) in cuts where line.contains(pattern) { return "\(what) cut" }
        // a state or another label cut: the text before «…» (back to the column gap) begins a label
        for piece in line.components(separatedBy: "  ") where piece.hasSuffix("…") {
            let head = piece.trimmingCharacters(in: .whitespaces).dropLast()
            if head.count >= 3, let label = labels.first(where: { $0.hasPrefix(head) && $0.count > head.count }) {
                return "the label «\(label)» cut"
            }
        }
        return nil
    }

    static var stateLabels: [String] {
        // states, statuses and results: what a clerk decides by (kinds and topics may be cut)
        let domains = CodeDomain.allCases.filter { "\($0)".lowercased().contains("status") || "\($0)".lowercased().contains("state") }
        return domains.flatMap { domain in
            Labels.codes(domain).flatMap { [Labels.label(domain, $0, russian: true), Labels.label(domain, $0, russian: false)] }
        }
    }

    @Test func theDefectFinderSeesEachCutTheIssueNamed() {
        let labels = Self.stateLabels
        #expect(Self.defect("56  Заявка на…  В обработ…  vologda", labels: labels) != nil)
        #expect(Self.defect(" 1  ТО ВДГО  25.10.202…  40 дн", labels: labels) == "a date cut")
        #expect(Self.defect("29  vologda  +7 (910) …  открыт", labels: labels) == "a phone cut")
        #expect(Self.defect("  12.2026  Газ  512…", labels: labels) == "an amount cut")
        #expect(Self.defect(String(repeating: "x", count: 81), labels: labels) != nil)
        #expect(Self.defect("  ЛС_vologda_03…  Ответ на обращен…  Ильин Серг…", labels: labels) == nil)
    }

    @Test func everyListAndRecordFitsEightyColumnsInBothLanguagesWithoutACutValue() {
        let t = E2E()
        t.demo(accounts: 300)
        let labels = Self.stateLabels
        let commands = RussianScreensTests.commands(t) + [["payment", "list"], ["config", "list"], ["pin", "requests"]]
        var failures: [String] = []
        var hidden = 0
        for command in commands {
            for lang in ["ru", "en"] {
                let r = t.interactive(["--lang", lang, "--no-color"] + command, [])
                #expect(r.exit == 0, "\(lang) \(command): \(r.description)")
                let lines = r.transcript.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
                #expect(lines.count > 1, "\(lang) \(command): \(r.transcript)")
                for line in lines {
                    if line.hasPrefix(lang == "ru" ? "не поместились по ширине" : "not shown at this width")
                        || line.contains(lang == "ru" ? "не поместились по ширине" : "not shown at this width") { hidden += 1 }
                    // the audit trail's CHANGE is a transition («в обработке → отказано»): text, cut as text
                    if let defect = Self.defect(line, labels: command.first == "audit" ? [] : labels) {
                        failures.append("\(lang) \(command.joined(separator: " ")): \(defect): «\(line)»")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(40).joined(separator: "\n"))")
        // the least useful columns made way, and the clerk was told which
        #expect(hidden > 0)
    }
}
