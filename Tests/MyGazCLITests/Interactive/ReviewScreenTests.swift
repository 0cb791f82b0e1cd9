import Testing
@testable import MyGazCLI

@Suite struct ReviewScreenTests {
    /// A review's `o` screen wraps a long line without its colours and keeps a short one's.
    @Test func aPageKeepsColoursOnTheLinesThatFit() {
        let bold = "\u{1B}[1m", reset = "\u{1B}[0m"
        let lines = ReviewUI.screenLines(bold + "Адрес:" + reset + " " + String(repeating: "длинная улица ", count: 10) + "\r\n" + bold + "Итого" + reset, columns: 40)
        #expect(lines.count >= 4, "the long line wrapped: \(lines)")
        #expect(lines.dropLast().allSatisfy { !$0.contains("\u{1B}") && $0.count <= 40 }, "\(lines)")
        #expect(lines.last == bold + "Итого" + reset)
    }
}
