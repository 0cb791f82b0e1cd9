/// The check digits of Russian payment details: a legal entity's INN, and a bank account
/// checked with its bank's BIC (the Bank of Russia's key, weights 7-1-3).
public enum BankDetails {
    static func digits(_ text: String) -> [Int]? {
        let d = text.unicodeScalars.map { Int($0.value) - 48 }
        return d.allSatisfy { (0...9).contains($0) } ? d : nil
    }

    /// A legal entity's INN: ten digits, the last a check digit.
    public static func validINN(_ inn: String) -> Bool {
        guard let d = digits(inn), d.count == 10 else { return false }
        let weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        return zip(d, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10 == d[9]
    }

    /// KPP: nine characters, digits (the fifth and sixth may be capital letters).
    public static func validKPP(_ kpp: String) -> Bool {
        let c = Array(kpp.unicodeScalars)
        guard c.count == 9 else { return false }
        return c.enumerated().allSatisfy { i, s in
            ("0"..."9").contains(s) || ((i == 4 || i == 5) && ("A"..."Z").contains(s))
        }
    }

    /// BIC: nine digits, the first two 04 (Russia).
    public static func validBIC(_ bic: String) -> Bool {
        guard let d = digits(bic), d.count == 9 else { return false }
        return d[0] == 0 && d[1] == 4
    }

    static func keyed(_ d: [Int]) -> Bool {
        let weights = [7, 1, 3]
        return d.enumerated().reduce(0) { $0 + $1.element * weights[$1.offset % 3] % 10 } % 10 == 0
    }

    /// A settlement account at the bank of `bic`: its key checked with the BIC's last three digits.
    public static func validAccount(_ account: String, bic: String) -> Bool {
        guard validBIC(bic), let a = digits(account), a.count == 20, let b = digits(bic) else { return false }
        return keyed(Array(b[6...8]) + a)
    }

    /// The bank's correspondent account: its key checked with "0" and the BIC's fifth and sixth digits.
    public static func validCorrespondentAccount(_ account: String, bic: String) -> Bool {
        guard validBIC(bic), let a = digits(account), a.count == 20, let b = digits(bic) else { return false }
        return keyed([0, b[4], b[5]] + a)
    }

    /// Sets the key digit (the ninth) of an account so that it checks with `prefix` (demo data).
    static func withKey(_ account: [Int], prefix: [Int]) -> [Int] {
        var a = account
        for k in 0...9 {
            a[8] = k
            if keyed(prefix + a) { return a }
        }
        return a
    }

    /// Fictitious bank details that check: an INN with its check digit, a BIC, and accounts
    /// whose key digits check with it (a bill must never carry numbers a bank would refuse).
    static func demo(_ rng: inout SeededRandom) -> (inn: String, kpp: String, account: String, bankName: String, bic: String, corr: String) {
        var inn = [rng.int(in: 1...9)] + (0..<8).map { _ in rng.int(in: 0...9) }
        inn.append(zip(inn, [2, 4, 10, 3, 5, 9, 4, 6, 8]).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10)
        let kpp = "\(inn[0])\(inn[1])" + "0101001"
        let bic = [0, 4] + (0..<4).map { _ in rng.int(in: 0...9) } + [rng.int(in: 0...9), rng.int(in: 0...9), rng.int(in: 0...9)]
        let account = BankDetails.withKey([4, 0, 7, 0, 2, 8, 1, 0, 0] + (0..<11).map { _ in rng.int(in: 0...9) }, prefix: Array(bic[6...8]))
        let corr = BankDetails.withKey([3, 0, 1, 0, 1, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + Array(bic[6...8]), prefix: [0, bic[4], bic[5]])
        func text(_ d: [Int]) -> String { d.map(String.init).joined() }
        return (text(inn), kpp, text(account), rng.pick(["ПАО Сбербанк", "Банк ВТБ (ПАО)", "АО «Газпромбанк»"]), text(bic), text(corr))
    }
}
