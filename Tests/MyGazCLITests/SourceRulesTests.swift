import Foundation
import Testing

/// A test that cannot fail says something is proved that is not. These rules read the test
/// sources as text (strings, regex literals and comments blanked first) and name the shapes of
/// it that simple analysis can see in a `@Test` body:
/// - a `do { … } catch { #expect … }` whose `do` asserts nothing: it passes when nothing is thrown;
/// - `#expect(x == x)`: a value compared with itself;
/// - `try?` inside `#expect`/`#require`: the failure under test turned into a value that may pass;
/// - a `return` out of the test that records nothing: a silent skip (a trait says it in the log).
enum TestSourceRules {
    enum Rule: String, CaseIterable {
        case assertsOnlyWhenItThrows = "asserts only in a catch, so it passes when nothing is thrown: use #expect(throws:)"
        case comparesAValueWithItself = "compares a value with itself"
        case swallowsAnError = "try? inside #expect or #require: an error becomes a value that may pass"
        case returnsSilently = "returns early and records nothing: use .enabled(if:) or Issue.record"
    }

    struct Finding: Equatable, CustomStringConvertible {
        let file: String
        let line: Int
        let test: String
        let rule: Rule
        var description: String { "\(file):\(line): \(test): \(rule.rawValue)" }
    }

    /// A `@Test` function: its name and the range of its body's characters, braces excluded.
    struct TestBody {
        let name: String
        let body: Range<Int>
    }

    // MARK: the text

    /// `source` with the contents of comments, string literals (interpolations and all) and
    /// regex literals replaced by spaces, character for character: positions and lines stay.
    static func blanked(_ source: [Character]) -> [Character] {
        var out = source
        let n = source.count
        func blank(_ range: Range<Int>) { for k in range where k < n && out[k] != "\n" { out[k] = " " } }
        func at(_ k: Int, _ text: String) -> Bool {
            var k = k
            for c in text { guard k < n, source[k] == c else { return false }; k += 1 }
            return true
        }
        func hashes(_ k: Int) -> Int { var h = 0; while k + h < n && source[k + h] == "#" { h += 1 }; return h }

        /// Code from `start`; stops after the `)` that closes an interpolation when `inInterpolation`.
        func code(_ start: Int, inInterpolation: Bool) -> Int {
            var k = start, depth = 0
            while k < n {
                let c = source[k]
                if at(k, "//") {
                    let end = source[k...].firstIndex(of: "\n") ?? n
                    blank(k..<end); k = end
                } else if at(k, "/*") {
                    var level = 0, j = k
                    repeat {
                        if at(j, "/*") { level += 1; j += 2 } else if at(j, "*/") { level -= 1; j += 2 } else { j += 1 }
                    } while level > 0 && j < n
                    blank(k..<j); k = j
                } else if c == "#" || c == "\"" {
                    let h = hashes(k)
                    if k + h < n && source[k + h] == "\"" {
                        k = string(k, hashes: h)
                    } else if h > 0 && k + h < n && source[k + h] == "/" {
                        // an extended regex literal, #/…/#
                        var j = k + h + 1
                        while j < n && !(source[j] == "/" && hashes(j + 1) >= h) { j += source[j] == "\\" ? 2 : 1 }
                        blank(k + h + 1..<min(j, n)); k = min(j + 1 + h, n)
                    } else {
                        k += max(h, 1)
                    }
                } else if c == "(" {
                    depth += 1; k += 1
                } else if c == ")" {
                    if depth == 0 && inInterpolation { return k + 1 }
                    depth -= 1; k += 1
                } else {
                    k += 1
                }
            }
            return n
        }

        /// A string literal opening at `start` with `h` hashes; answers the index after it.
        func string(_ start: Int, hashes h: Int) -> Int {
            let triple = at(start + h, "\"\"\"")
            let quote = triple ? "\"\"\"" : "\""
            let open = start + h + quote.count
            var k = open
            while k < n {
                if source[k] == "\\" && hashes(k + 1) >= h {
                    let after = k + 1 + h
                    k = after < n && source[after] == "(" ? code(after + 1, inInterpolation: true) : after + 1
                } else if at(k, quote) && hashes(k + quote.count) >= h {
                    blank(open..<k)
                    return k + quote.count + h
                } else if !triple && source[k] == "\n" {
                    break
                } else {
                    k += 1
                }
            }
            blank(open..<min(k, n))
            return min(k + 1, n)
        }

        _ = code(0, inInterpolation: false)
        return out
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Whether `word` stands at `k` as a whole word (or, for `#expect`, `#expect(` and the like, as written).
    static func word(_ text: [Character], _ k: Int, _ word: String) -> Bool {
        var j = k
        for c in word {
            guard j < text.count, text[j] == c else { return false }
            j += 1
        }
        if let first = word.first, isWordCharacter(first), k > 0, isWordCharacter(text[k - 1]) { return false }
        if let last = word.last, isWordCharacter(last), j < text.count, isWordCharacter(text[j]) { return false }
        return true
    }

    static func occurrences(of token: String, in text: [Character], _ range: Range<Int>) -> [Int] {
        range.filter { word(text, $0, token) }
    }

    static func contains(_ tokens: [String], in text: [Character], _ range: Range<Int>) -> Bool {
        tokens.contains { !occurrences(of: $0, in: text, range).isEmpty }
    }

    /// The index of what closes the bracket at `open`.
    static func closing(_ text: [Character], _ open: Int) -> Int? {
        let pairs: [Character: Character] = ["{": "}", "(": ")", "[": "]"]
        guard let close = pairs[text[open]] else { return nil }
        var depth = 0
        for k in open..<text.count {
            if text[k] == text[open] { depth += 1 } else if text[k] == close { depth -= 1; if depth == 0 { return k } }
        }
        return nil
    }

    static func skipSpace(_ text: [Character], _ k: Int) -> Int {
        var k = k
        while k < text.count && text[k].isWhitespace { k += 1 }
        return k
    }

    static func line(_ text: [Character], _ k: Int) -> Int { text[..<min(k, text.count)].filter { $0 == "\n" }.count + 1 }

    // MARK: the tests of a file

    static func tests(_ text: [Character]) -> [TestBody] {
        var found: [TestBody] = []
        for at in occurrences(of: "@Test", in: text, 0..<text.count) {
            var k = skipSpace(text, at + 5)
            if k < text.count && text[k] == "(", let close = closing(text, k) { k = close + 1 }
            guard let fn = (k..<text.count).first(where: { word(text, $0, "func") }) else { continue }
            var nameEnd = skipSpace(text, fn + 4)
            let nameStart = nameEnd
            while nameEnd < text.count && isWordCharacter(text[nameEnd]) { nameEnd += 1 }
            guard let params = (nameEnd..<text.count).first(where: { text[$0] == "(" }), let paramsEnd = closing(text, params),
                  let open = (paramsEnd..<text.count).first(where: { text[$0] == "{" }), let close = closing(text, open) else { continue }
            found.append(TestBody(name: String(text[nameStart..<nameEnd]), body: open + 1..<close))
        }
        return found
    }

    static let assertions = ["#expect", "#require", "Issue.record"]

    static func findings(in source: String, file: String = "") -> [Finding] {
        let original = Array(source)
        let text = blanked(original)
        var found: [Finding] = []
        for test in tests(text) {
            func report(_ rule: Rule, _ k: Int) { found.append(Finding(file: file, line: line(text, k), test: test.name, rule: rule)) }
            for k in doCatchesAssertingOnlyInTheCatch(text, test.body) { report(.assertsOnlyWhenItThrows, k) }
            for macro in ["#expect", "#require"] {
                for k in occurrences(of: macro, in: text, test.body) {
                    let open = skipSpace(text, k + macro.count)
                    guard open < text.count, text[open] == "(", let close = closing(text, open) else { continue }
                    if !occurrences(of: "try?", in: text, open..<close).isEmpty { report(.swallowsAnError, k) }
                    if comparesWithItself(original, text, open + 1..<close) { report(.comparesAValueWithItself, k) }
                }
            }
            for k in silentReturns(text, test.body) { report(.returnsSilently, k) }
        }
        return found
    }

    /// `do { … } catch … { #expect… }` where the `do` block neither asserts nor returns a value.
    static func doCatchesAssertingOnlyInTheCatch(_ text: [Character], _ body: Range<Int>) -> [Int] {
        var found: [Int] = []
        for k in occurrences(of: "do", in: text, body) {
            let open = skipSpace(text, k + 2)
            guard open < body.upperBound, text[open] == "{", let close = closing(text, open) else { continue }
            var next = skipSpace(text, close + 1), catchAsserts = false
            while word(text, next, "catch"), let catchOpen = (next..<body.upperBound).first(where: { text[$0] == "{" }),
                  let catchClose = closing(text, catchOpen) {
                catchAsserts = catchAsserts || contains(["#expect", "#require"], in: text, catchOpen..<catchClose)
                next = skipSpace(text, catchClose + 1)
            }
            if catchAsserts && !contains(assertions + ["return"], in: text, open..<close) { found.append(k) }
        }
        return found
    }

    /// The condition of `#expect(…)` (up to its comment): is any `&&`/`||` operand `a == a`?
    static func comparesWithItself(_ original: [Character], _ text: [Character], _ arguments: Range<Int>) -> Bool {
        var depth = 0, operands: [Range<Int>] = [], start = arguments.lowerBound, end = arguments.upperBound
        var k = arguments.lowerBound
        while k < arguments.upperBound {
            let c = text[k]
            if "([{".contains(c) { depth += 1 } else if ")]}".contains(c) { depth -= 1 }
            if depth == 0 && c == "," { end = k; break }
            if depth == 0 && (word(text, k, "&&") || word(text, k, "||")) { operands.append(start..<k); start = k + 2; k += 1 }
            k += 1
        }
        operands.append(start..<end)
        func squeezed(_ r: Range<Int>) -> String { String(original[r].filter { !$0.isWhitespace }) }
        for operand in operands {
            var depth = 0, comparisons: [(Int, Int)] = []
            var k = operand.lowerBound
            while k < operand.upperBound {
                let c = text[k]
                if "([{".contains(c) { depth += 1 } else if ")]}".contains(c) { depth -= 1 }
                if depth == 0 {
                    for op in ["===", "!==", "==", "!="] where word(text, k, op) && !"=!<>".contains(k > 0 ? text[k - 1] : " ") {
                        comparisons.append((k, op.count)); k += op.count - 1; break
                    }
                }
                k += 1
            }
            if comparisons.count == 1, let (at, width) = comparisons.first {
                let left = squeezed(operand.lowerBound..<at), right = squeezed(at + width..<operand.upperBound)
                if !left.isEmpty && left == right { return true }
            }
        }
        return false
    }

    static let controlWords: Set<String> = ["if", "guard", "for", "while", "repeat", "do", "switch", "else", "catch", "case", "default", "defer"]

    /// Whether the `{` at `open` begins a block of the function it stands in (if, guard, for…),
    /// rather than a closure or a nested function of its own.
    static func isControlBlock(_ text: [Character], _ open: Int) -> Bool {
        var start = open
        while start > 0 && !"\n{};".contains(text[start - 1]) { start -= 1 }
        let words = String(text[start..<open]).split(whereSeparator: { !isWordCharacter($0) })
        guard let first = words.first else { return false }
        return controlWords.contains(String(first)) || words.last == "else"
    }

    /// `return`s that leave the test itself (not a closure or a nested function) with no
    /// `Issue.record` before them in their block.
    static func silentReturns(_ text: [Character], _ body: Range<Int>) -> [Int] {
        var found: [Int] = []
        var blocks: [Int] = []
        for k in body {
            if text[k] == "{" { blocks.append(k) } else if text[k] == "}" { _ = blocks.popLast() }
            guard word(text, k, "return"), blocks.allSatisfy({ isControlBlock(text, $0) }) else { continue }
            let block = (blocks.last.map { $0 + 1 } ?? body.lowerBound)..<k
            if !contains(["Issue.record"], in: text, block) { found.append(k) }
        }
        return found
    }

    // MARK: the repository

    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func testFiles() -> [String] {
        (FileManager.default.enumerator(atPath: testsDirectory.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted()
    }
}

@Suite struct SourceRulesTests {
    typealias Rule = TestSourceRules.Rule

    /// Each bad shape, as it was found in this repository, and what the rules must leave alone.
    static let samples: [(code: String, expected: [Rule])] = [
        ("""
         @Test func anUnknownOneIsNotFound() throws {
             do {
                 _ = try AccountRef.resolve(t.db, "999", rgk: nil)
             } catch let error as MyGazError {
                 #expect(error.status == .notFound)
             }
         }
         """, [.assertsOnlyWhenItThrows]),
        ("""
         @Test func aTakenLogin() throws {
             do {
                 _ = try Users.create(session, login)
                 Issue.record("a taken login was accepted")
             } catch let e as MyGazError { #expect(e.status == .conflict) }
             let refusal = { () -> MessageKey? in
                 do { _ = try parser.parse(args); return nil } catch let e as MyGazError { #expect(e.status == .usage); return e.message.key }
             }
             do { try setUp() } catch { Issue.record("setup: \\(error)") }
             #expect(refusal() == .unknownCommand)
         }
         """, []),
        ("""
         @Test(arguments: [1, 2]) func theSameAgain(_ n: Int) throws {
             let text = try String(contentsOfFile: path, encoding: .utf8)
             #expect(String(data: data, encoding: .utf8)! == String(data: data, encoding: .utf8)!)
             #expect(n > 0 && text.count == text.count, "the same bytes")
             #expect(rows.map { $0 == $0 }.count == 2)
             #expect(t.sql("SELECT 1") == t.sql("SELECT 2") && a != b)
         }
         """, [.comparesAValueWithItself, .comparesAValueWithItself]),
        ("""
         @Test func theFileHoldsNothing() {
             #expect((try? String(contentsOfFile: path, encoding: .utf8))?.contains("secret") != true)
             #require(try? Data(contentsOf: url))
             let optional = try? Data(contentsOf: url)
             #expect(optional == nil, "try? outside the expectation is the test's own business")
             #expect(text.contains("try? f()"))
         }
         """, [.swallowsAnError, .swallowsAnError]),
        ("""
         @Test func needsAGroup() throws {
             if needsGroup {
                 guard getuid() == 0 else { return }
             }
             for x in xs where x > 0 { if x == 3 { return } }
         }
         """, [.returnsSilently, .returnsSilently]),
        ("""
         @Test func recordsWhyItStops() throws {
             guard case .success(let fonts) = load() else {
                 Issue.record("the fonts are installed by .ci/run")
                 return
             }
             let doubled = fonts.map { font in return font.name + font.name }
             func helper() -> Int { return 1 }
             let text = "guard x else { return }; #expect(a == a); do { try f() } catch { #expect(true) }"
             let regex = #/(?:return|\\{)/#
             // #expect(a == a) in a comment; a "quote" in /* a block { comment */
             #expect(doubled.count == helper() && text != "" && regex != nil)
         }
         """, []),
    ]

    @Test func theRulesFindEachShapeAndLeaveTheRest() {
        for (code, expected) in Self.samples {
            let found = TestSourceRules.findings(in: code).map(\.rule)
            #expect(found == expected, "\(code)\nfound \(found)")
        }
    }

    @Test func stringsAndCommentsAreBlankedCharacterForCharacter() {
        // let a = "x \(f("y)")) z" + #"raw " \# "# /* c /* d */ e */ // f, then a multi-line string
        let source = "let a = \"x \\(f(\"y)\")) z\" + #\"raw \" \\# \"# /* c /* d */ e */ // f\nb = \"\"\"\nq\n\"\"\"\n"
        let blanked = String(TestSourceRules.blanked(Array(source)))
        #expect(blanked.count == source.count)
        #expect(blanked.hasPrefix("let a = \"") && blanked.contains("\" + #\"") && blanked.contains("\"# "), "\(blanked)")
        #expect(blanked.filter { $0 == "\n" }.count == 4, "lines stay: \(blanked)")
        #expect(!blanked.contains("x ") && !blanked.contains("f(") && !blanked.contains("raw") && !blanked.contains("c")
                && !blanked.contains("f\n") && !blanked.contains("q") && blanked.contains("b = \"\"\""), "\(blanked)")
    }

    @Test func everyTestOfTheRepositoryCanFail() throws {
        let files = TestSourceRules.testFiles()
        #expect(files.count >= 55, "\(files.count) test files read")
        var tests = 0
        var findings: [TestSourceRules.Finding] = []
        for file in files {
            let source = try String(contentsOfFile: TestSourceRules.testsDirectory.path + "/" + file, encoding: .utf8)
            tests += TestSourceRules.tests(TestSourceRules.blanked(Array(source))).count
            findings += TestSourceRules.findings(in: source, file: file)
        }
        #expect(tests >= 300, "\(tests) tests read")
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }
}
