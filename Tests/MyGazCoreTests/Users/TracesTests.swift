import Foundation
import Testing
@testable import MyGazCore

/// The spellings of a person's values that an erasure scrubs from her rows' free text.
@Suite struct TracesTests {
    static let mark = Users.erasedMark

    static func hers() -> Traces {
        var traces = Traces()
        traces.add(contact: "+79447503641")
        traces.add(contact: "Efrosinya.Zyuzina@Example.NET ")
        traces.add(name: "Щекочихина-Зюзина  Евфросинья Аполлинарьевна")
        traces.add(name: "Семёнова")
        return traces
    }

    @Test(arguments: ["+79447503641", "89447503641", "9447503641", "+7 944 750-36-41", "8 (944) 750-36-41", "+7 (944) 750 36 41",
                      "944.750.36.41", "8\u{00A0}944\u{00A0}750\u{00A0}36\u{00A0}41", "7-944-750-36-41"])
    func aPhoneInAnySpellingGoes(spelling: String) {
        #expect(Self.hers().scrub("звоните \(spelling), спросите") == "звоните \(Self.mark), спросите")
    }

    @Test func anotherNumberBesideHersStays() {
        let traces = Self.hers()
        #expect(traces.scrub("тел. 8 944 750-36-41, 8 911 000-00-00") == "тел. \(Self.mark), 8 911 000-00-00")
        #expect(traces.scrub("счёт 9447503640, показания 12345") == "счёт 9447503640, показания 12345")
        #expect(traces.scrub("8 944 750-36-4") == "8 944 750-36-4", "nine digits are not her number")
    }

    @Test func anEMailInAnyCaseGoesAsAWholeAddress() {
        let traces = Self.hers()
        #expect(traces.scrub("пишите на EFROSINYA.ZYUZINA@example.net.") == "пишите на \(Self.mark).")
        #expect(traces.scrub("<efrosinya.zyuzina@example.net>") == "<\(Self.mark)>")
        #expect(traces.scrub("xefrosinya.zyuzina@example.net") == "xefrosinya.zyuzina@example.net", "another address")
        #expect(traces.contacts == ["+79447503641", "efrosinya.zyuzina@example.net"])
    }

    @Test func aNameGoesWholeAndByItsWordsInAnyCaseButNotInsideOtherWords() {
        let traces = Self.hers()
        #expect(traces.scrub("Пишет Щекочихина-Зюзина Евфросинья Аполлинарьевна.") == "Пишет \(Self.mark).")
        #expect(traces.scrub("ЗЮЗИНА Е. А. и евфросинья") == "\(Self.mark) Е. А. и \(Self.mark)")
        #expect(traces.scrub("Семенова, СЕМЁНОВА") == "\(Self.mark), \(Self.mark)", "ё as е")
        #expect(traces.scrub("Зюзинамир и пра-Зюзина") == "Зюзинамир и пра-\(Self.mark)")
        #expect(traces.scrub("Евфросиньям") == "Евфросиньям")
    }

    @Test func hostileNamesAreTextLikeAnyOther() {
        var traces = Traces()
        for name in [#""field":""#, "O'Brien \"Q\" \\ back\\slash\nline\ttab\u{1}", "-", "Е.", "  "] { traces.add(name: name) }
        #expect(traces.scrub(#"{"field":"full_name"}"#) == #"{\#(Self.mark)full_name"}"#, "free text of her rows only: never JSON")
        #expect(traces.scrub("Mr O'Brien and \\ back\\slash") == "Mr \(Self.mark) and \\ \(Self.mark)")
        #expect(traces.scrub("a - b. Е. c") == "a - b. Е. c", "a lone sign or an initial names no one")
        #expect(Traces().scrub("anything 8 944 750-36-41") == "anything 8 944 750-36-41")
    }

    @Test func aValueThatIsNoContactGoesWhole() {
        var traces = Traces()
        traces.add(contact: "ivanova83")
        #expect(traces.scrub("логин IVANOVA83, не ivanova834") == "логин \(Self.mark), не ivanova834")
        #expect(traces.contacts.isEmpty)
    }
}
