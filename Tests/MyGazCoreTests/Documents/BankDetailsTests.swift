import Testing
@testable import MyGazCore

/// The check digits a bank checks: real published details pass, one digit changed fails.
@Suite struct BankDetailsTests {
    @Test func innOfAnOrganisation() {
        // Sberbank, Gazprom: published INNs
        #expect(BankDetails.validINN("7707083893") && BankDetails.validINN("7736050003"))
        #expect(!BankDetails.validINN("7707083894") && !BankDetails.validINN("770708389") && !BankDetails.validINN("77070838 3"))
    }

    @Test func accountsCheckWithTheBIC() {
        // Sberbank's correspondent account at the Bank of Russia, with its BIC
        #expect(BankDetails.validCorrespondentAccount("30101810400000000225", bic: "044525225"))
        #expect(!BankDetails.validCorrespondentAccount("30101810500000000225", bic: "044525225"))
        #expect(!BankDetails.validCorrespondentAccount("30101810400000000225", bic: "044535225"))
        #expect(BankDetails.validBIC("044525225") && !BankDetails.validBIC("144525225") && !BankDetails.validBIC("04452522"))
        #expect(BankDetails.validKPP("773601001") && BankDetails.validKPP("7736AB001") && !BankDetails.validKPP("77360100"))
        let keyed = BankDetails.withKey([4, 0, 7, 0, 2, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], prefix: [2, 2, 5])
        let account = keyed.map(String.init).joined()
        #expect(BankDetails.validAccount(account, bic: "044525225"))
        #expect(!BankDetails.validAccount(String(account.dropLast()) + "2", bic: "044525225"))
    }

    @Test func theDemosDetailsCheck() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<20 {
            let d = BankDetails.demo(&rng)
            #expect(BankDetails.validINN(d.inn) && BankDetails.validKPP(d.kpp) && BankDetails.validBIC(d.bic))
            #expect(BankDetails.validAccount(d.account, bic: d.bic) && BankDetails.validCorrespondentAccount(d.corr, bic: d.bic))
        }
    }

    @Test func thePaymentStringHoldsNoSeparatorFromData() {
        let supplier = Bill.Supplier(code: "x", name: "ООО «Газ|Сбыт»", inn: "7707083893", kpp: "773601001", account: "40702810000000000001",
                                     bankName: "Банк", bic: "044525225", correspondentAccount: "30101810400000000225", phone: nil, office: nil, hours: nil)
        let bill = Bill(supplier: supplier, account: "023-185952", surname: "Иванов", name: "Иван\nИванович|", patronymic: nil,
                        address: "ул. Ленина | д. 1", residents: 2, heatedArea: 40, period: "2019-09",
                        lines: [Bill.Line(service: "gas", openingKop: -331_952, chargedKop: 258_043, benefitKop: 0, recalcKop: 0, paidKop: 0)],
                        meters: [])
        #expect(bill.dueKop == -589_995, "manual 001 §4.3.1.2: −3319,52 − 2580,43 + 0 = −5899,95")
        #expect(bill.toPayKop == 589_995)
        let fields = bill.paymentString.split(separator: "|").map(String.init)
        #expect(fields.first == "ST00012")
        #expect(fields.dropFirst().allSatisfy { $0.contains("=") }, "\(fields)")
        #expect(fields.contains("Sum=589995") && fields.contains("PaymPeriod=092019") && fields.contains("PersAcc=023-185952"))
        #expect(!bill.paymentString.contains("\n"))
    }

    /// Every Unicode line and paragraph separator is blanked as a control is: a bank's app would
    /// otherwise read two lines where the payer's address is one.
    @Test func thePaymentStringHoldsNoLineOrParagraphSeparator() {
        #expect(UntrustedText.needsEscape("\u{2028}") && UntrustedText.needsEscape("\u{2029}") && UntrustedText.needsEscape("\u{85}"))
        #expect(UntrustedText.blanked("a\u{2028}b\u{2029}c\u{85}d\r\ne\u{202E}f") == "a b c d  e f")
        let supplier = Bill.Supplier(code: "x", name: "ООО\u{2029}Газ", inn: "7707083893", kpp: "773601001", account: "40702810000000000001",
                                     bankName: "Банк", bic: "044525225", correspondentAccount: "30101810400000000225", phone: nil, office: nil, hours: nil)
        let bill = Bill(supplier: supplier, account: "7000", surname: "Иванов\u{2028}", name: "Иван\u{85}", patronymic: "Иванович\u{0B}",
                        address: "ул. Ленина, д. 1\u{2028}PersAcc=1\u{2029}кв. 2", residents: 2, heatedArea: 40, period: "2019-09",
                        lines: [Bill.Line(service: "gas", openingKop: -1000, chargedKop: 0, benefitKop: 0, recalcKop: 0, paidKop: 0)],
                        meters: [])
        let payment = bill.paymentString
        #expect(!payment.unicodeScalars.contains { UntrustedText.needsEscape($0) }, "\(payment.debugDescription)")
        #expect(payment.contains("|PayerAddress=ул. Ленина, д. 1 PersAcc=1 кв. 2"), "\(payment)")
        #expect(payment.contains("|LastName=Иванов|FirstName=Иван|MiddleName=Иванович") && payment.hasPrefix("ST00012|Name=ООО Газ|"))
    }

    @Test func withoutItsFontABillIsASetupFaultNamingThePackage() throws {
        guard case .failure(let error) = BillDocument.load(directory: "/nonexistent") else {
            Issue.record("a font from nowhere")
            return
        }
        #expect(error.status == .database && error.message.key == .billNoFont)
        #expect(error.message.args == [.text("/nonexistent/DejaVuSans.ttf")])
        guard case .success(let fonts) = BillDocument.load(directory: BillDocument.fontDirectory) else {
            Issue.record("fonts-dejavu-core is installed by .ci/run")
            return
        }
        #expect(fonts.count == 2)
    }
}
