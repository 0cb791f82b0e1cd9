import Foundation
import Testing
@testable import MyGazCore

@Suite struct TextEncodingTests {
    @Test func windows1251DecodesLikeTheSystemConverter() throws {
        // every assigned byte, compared with Foundation's own table
        let bytes = (0x80...0xFF).map(UInt8.init).filter { $0 != 0x98 }
        let expected = try #require(String(data: Data(bytes), encoding: .windowsCP1251))
        let ours = String(bytes.map { Character(Unicode.Scalar(TextEncoding.cp1251High[Int($0) - 0x80])!) })
        #expect(ours == expected)
        #expect(TextEncoding.cp1251(expected) == bytes, "and back")
        #expect(TextEncoding.cp1251("Ёлка №5 — 😀") == [0xA8, 0xEB, 0xEA, 0xE0, 0x20, 0xB9, 0x35, 0x20, 0x97, 0x20, 0x3F])
    }

    @Test func utf8ValidationAcrossChunks() {
        func valid(_ chunks: [[UInt8]]) -> Bool {
            var v = TextEncoding.UTF8Validator()
            for c in chunks { c.withUnsafeBufferPointer { v.feed($0) } }
            return v.complete
        }
        let word = Array("Привет".utf8)
        #expect(valid([word]))
        #expect(valid([Array(word[..<3]), Array(word[3...])]), "a character split between reads")
        #expect(!valid([Array(word[..<3])]), "cut short at the end")
        #expect(!valid([[0xCF, 0xF0, 0xE8]]), "Windows-1251 «При»")
        #expect(!valid([[0xC0, 0x80]]), "overlong")
        #expect(!valid([[0xED, 0xA0, 0x80]]), "a surrogate")
        #expect(!valid([[0xF4, 0x90, 0x80, 0x80]]), "beyond U+10FFFF")
        #expect(valid([Array("𝔊".utf8)]))
    }
}
