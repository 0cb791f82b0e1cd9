import Foundation
import Testing
@testable import MyGazCore

@Suite struct SecretsTests {
    @Test func yescryptHashesVerify() throws {
        let hash = try Secrets.hash("abc12")
        #expect(hash.hasPrefix("$y$"))
        #expect(!hash.contains("abc12"))
        #expect(Secrets.verify("abc12", hash: hash))
        #expect(!Secrets.verify("abc13", hash: hash))
        #expect(!Secrets.verify("abc12", hash: "garbage"))
        #expect(try Secrets.hash("abc12") != hash, "salts must differ")
    }

    @Test func generatedPasswordsAreValidPortalPasswords() {
        for _ in 0..<200 {
            let p = Secrets.password()
            #expect(p.count == 10)
            #expect(p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(p.contains { $0.isNumber } && p.contains { $0.isLetter })
        }
    }

    @Test func digitsAreDigits() {
        let pins = (0..<100).map { _ in Secrets.digits(8) }
        #expect(pins.allSatisfy { $0.count == 8 && $0.allSatisfy(\.isNumber) })
        #expect(Set(pins).count > 95)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(long) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var streamed = SHA256()
        long.withUnsafeBytes { raw in
            streamed.update(UnsafeRawBufferPointer(rebasing: raw[0..<333]))
            streamed.update(UnsafeRawBufferPointer(rebasing: raw[333...]))
        }
        #expect(streamed.finishHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
