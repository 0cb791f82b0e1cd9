import Foundation
import Testing
@testable import MyGazCore

@Suite struct ImportCellTests {
    @Test func moneyWithCommasPointsSpacesAndMinus() {
        let cases: [(String, Int64?)] = [
            ("-3319,52", -331_952), ("3319.52", 331_952), ("1 234,5", 123_450), ("1\u{00A0}234,50", 123_450),
            ("0", 0), ("12", 1200), (",5", 50), ("\u{2212}10,01", -1001),
            ("1,234", nil), ("12,3,4", nil), ("abc", nil), ("-", nil), ("1e5", nil), ("", nil),
        ]
        for (text, expected) in cases {
            #expect(RowView.kopecks(Array(text.utf8)[...]) == expected, "\(text)")
        }
    }

    @Test func decimalsWithCommaOrPoint() {
        #expect(RowView.decimal(Array("54,5".utf8)[...]) == 54.5)
        #expect(RowView.decimal(Array("59.2205".utf8)[...]) == 59.2205)
        #expect(RowView.decimal(Array("-0,25".utf8)[...]) == -0.25)
        #expect(RowView.decimal(Array("5,5,5".utf8)[...]) == nil)
        #expect(RowView.decimal(Array("пять".utf8)[...]) == nil)
    }

    @Test func wholeNumbersReportTheCellAndLine() {
        var ok = cell(" 1 204 ")
        #expect(ok.int(0) == 1204)
        var bad = cell("3,5")
        #expect(bad.int(0) == nil)
        #expect(bad.problems.first?.line == 7)
        #expect(bad.problems.first?.column == "Столбец")
        #expect(bad.problems.first?.reason.key == .importNotANumber)
        var huge = cell("99999999999999999999")
        #expect(huge.int(0) == nil && huge.problems.first?.reason.key == .importNotANumber)
        var range = cell("10")
        #expect(range.int(0, max: 9) == nil && range.problems.first?.reason.key == .importOutOfRange)
        var empty = cell("  ")
        #expect(empty.int(0, required: true) == nil && empty.problems.first?.reason.key == .importEmpty)
        var optional = cell("")
        #expect(optional.int(0) == nil && optional.problems.isEmpty, "an empty cell is a value that does not exist yet")
    }

    @Test func datesInTheRussianAndISOForms() {
        var a = cell("20.07.2026"), b = cell("2026-07-20"), c = cell("20.07.2026 0:00:00"), d = cell("31.02.2026"), e = cell("2026/07")
        #expect(a.day(0)?.iso == "2026-07-20")
        #expect(b.day(0)?.iso == "2026-07-20")
        #expect(c.day(0)?.iso == "2026-07-20", "1C writes a time after the date")
        #expect(d.day(0) == nil && d.problems.first?.reason.key == .importNotADate)
        #expect(e.day(0) == nil)
    }

    @Test func periodsAsMonthYear() {
        for (text, expected) in [("07.2026", "2026-07"), ("7.2026", "2026-07"), ("2026-07", "2026-07"), ("01.07.2026", "2026-07"),
                                 ("13.2026", nil), ("07.26", nil), ("июль", nil)] as [(String, String?)] {
            var row = cell(text)
            #expect(row.period(0) == expected, "\(text)")
            #expect(row.problems.isEmpty == (expected != nil))
        }
    }

    @Test func accountNumbersLoseSeparatorsAndLeadingZeros() {
        for (text, expected) in [("023-185952", "23185952"), ("70 000 017", "70000017"), ("0000", nil), ("12a4", nil),
                                 ("1234567890123456789", nil)] as [(String, String?)] {
            var row = cell(text)
            #expect(row.account(0) == expected, "\(text)")
            #expect(row.problems.first?.reason.key == (expected == nil ? .badAccountNumber : nil))
        }
    }

    @Test func codeWordsIgnoreCaseYoAndSpaces() {
        let words = CodeWords(["природный газ": "gas", "ТО ВДГО": "vdgo", "неисправен": "faulty", "снят": "removed", "открыт": "open"])
        func lookup(_ s: String) -> String? { words.lookup(Array(s.utf8)[...]) }
        #expect(lookup("Природный газ") == "gas")
        #expect(lookup("  ПРИРОДНЫЙ   ГАЗ ") == "gas")
        #expect(lookup("Природный\u{00A0}газ") == "gas")
        #expect(lookup("то вдго") == "vdgo")
        #expect(lookup("НЕИСПРАВЕН") == "faulty")
        #expect(lookup("Открыт") == "open")
        #expect(lookup("сломан") == nil)
        #expect(CodeWords.fold(Array("Ёжик Ё".utf8)[...]) == Array("ежик е".utf8))
    }

    @Test func headerNamesMatchInAnySpelling() {
        let column = ImportColumn("heated_area", ["отапливаемая_площадь"])
        for name in ["heated_area", "Heated Area", "ОТАПЛИВАЕМАЯ ПЛОЩАДЬ", "Отапливаемая_площадь", "отапливаемая-площадь"] {
            #expect(column.names.contains(ImportColumn.normalize(name)), "\(name)")
        }
        let balance = ImportColumn("opening", ["сальдо_нач"])
        #expect(balance.names.contains(ImportColumn.normalize("Сальдо нач.")))
        #expect(ImportColumn("account", ["лицевой_счет"]).names.contains(ImportColumn.normalize("Лицевой счёт")), "ё and е")
    }
}
