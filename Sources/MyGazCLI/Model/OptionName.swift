import MyGazCore

/// The long name of every option the program has, as a type: a handler reads
/// `inv.flag(.allValid)`, and a misspelt option does not compile.
public enum OptionName: String, CaseIterable, Sendable {
    case accept
    case acceptFile = "accept-file"
    case account
    case accounts
    case action
    case active
    case address
    case alias
    case all
    case allInvalid = "all-invalid"
    case allRgks = "all-rgks"
    case allValid = "all-valid"
    case answer
    case answerFile = "answer-file"
    case answerStdin = "answer-stdin"
    case appliance
    case asOf = "as-of"
    case ask
    case assignedTo = "assigned-to"
    case attach
    case benefits
    case busyTimeout = "busy-timeout"
    case channel
    case clear
    case codeStdin = "code-stdin"
    case column
    case comment
    case commissioningDate = "commissioning-date"
    case continueOnError = "continue-on-error"
    case contract
    case customerAddress = "customer-address"
    case customerName = "customer-name"
    case date
    case dateFrom = "date-from"
    case db
    case debtors
    case delimiter
    case description
    case desiredDate = "desired-date"
    case digits
    case document
    case dueWithin = "due-within"
    case dryRun = "dry-run"
    case email
    case emailBills = "email-bills"
    case encoding
    case entity
    case expectStatus = "expect-status"
    case externalID = "external-id"
    case faq
    case force
    case format
    case generatePassword = "generate-password"
    case group
    case heatedArea = "heated-area"
    case heatedLivingArea = "heated-living-area"
    case heatedOtherArea = "heated-other-area"
    case help
    case identity
    case identityDocument = "identity-document"
    case inPerson = "in-person"
    case json
    case kind
    case lang
    case limit
    case livestock
    case max
    case maxHourlyM3 = "max-hourly-m3"
    case message
    case messageFile = "message-file"
    case meter
    case month
    case meterInfo = "meter-info"
    case min
    case name
    case noColor = "no-color"
    case notifyDebts = "notify-debts"
    case notifyNews = "notify-news"
    case notifyStatus = "notify-status"
    case noHeader = "no-header"
    case objectAddress = "object-address"
    case objectType = "object-type"
    case office
    case olderThan = "older-than"
    case `operator`
    case output
    case overdue
    case ownershipDocument = "ownership-document"
    case parallel
    case passwordStdin = "password-stdin"
    case paymentForm = "payment-form"
    case period
    case phone
    case print
    case problem
    case purpose
    case question
    case quick
    case quiet
    case reason
    case recalcReason = "recalc-reason"
    case registeredAfter = "registered-after"
    case registeredBefore = "registered-before"
    case rejects
    case request
    case residents
    case rgk
    case role
    case rule
    case search
    case seed
    case send
    case sendmail
    case serial
    case since
    case sort
    case singleTransaction = "single-transaction"
    case skipInvalid = "skip-invalid"
    case smsCommand = "sms-command"
    case smtp
    case source
    case state
    case status
    case subject
    case timeout
    case to
    case topic
    case until
    case valid
    case validDays = "valid-days"
    case value
    case version
    case violations
    case within
    case workType = "work-type"
    case yes
}
