/// The stable ASCII codes stored in the database. Each enum is the single source of its
/// list: the schema's CHECK constraints, the parser's choices, and the labels test use it.
public protocol Code: RawRepresentable, CaseIterable, Sendable where RawValue == String {}

extension Code {
    public static var codes: [String] { allCases.map(\.rawValue) }
}

extension Role: Code {}

public enum UserStatus: String, Code { case pending, active, blocked, deleted }
public enum LoginKind: String, Code { case phone, email, erased }
/// What of a user a kept former value was (`user_former_value`): what her erasure finds her traces by.
public enum UserFormerValue: String, Code { case fullName = "full_name", email, phone, login }
public enum ConsentChannel: String, Code { case portal, office }
public enum CodePurpose: String, Code { case registration, recovery }
/// The outside services a customer signs in with (manual 000).
public enum IdentityProvider: String, Code { case yandex, vk, mailru, google, ok }
public enum MessageChannel: String, Code { case sms, email }
public enum AccountStatus: String, Code { case open, closed }
/// A holder's phone changed at the desk (`account_phone_change.state`): in force, replaced by a
/// later desk change, or settled in favour of the RGK's file.
public enum PhoneChangeState: String, Code { case desk, replaced, file }
public enum AccessLevel: String, Code { case restricted, extended }
public enum ExtendedVia: String, Code { case pin, meterSerial = "meter_serial", lastCharge = "last_charge", inPerson = "in_person" }
public enum ServiceKind: String, Code { case gas, vdgo }
public enum MeterState: String, Code { case working, faulty, removed }
/// Gas-using equipment of an account as the RGK lists it (`import equipment`, the «Абонент» section).
public enum ApplianceKind: String, Code { case stove, waterHeater = "water_heater", boiler, convector }
public enum ImportKind: String, Code {
    case rgk, offices, accounts, services, meters, readings, settlements, payments, contracts, acts, pins
    case benefits, consumption, equipment
}
public enum FileEncoding: String, Code { case utf8 = "utf-8", cp1251 }
public enum ImportStatus: String, Code { case running, completed, failed, superseded }
public enum ReadingSource: String, Code { case portal, phone, office, rgk }
public enum ReadingStatus: String, Code { case pending, accepted, rejected, superseded }
public enum ReadingReason: String, Code {
    case lowerThanPrevious = "lower_than_previous", exceedsCapacity = "exceeds_capacity"
    case exceedsMaxConsumption = "exceeds_max_consumption", verificationExpired = "verification_expired"
    case meterNotWorking = "meter_not_working", duplicate, other
}
public enum PaymentState: String, Code { case processing, paid }
public enum ContractKind: String, Code { case supply, vdgo, connection }
public enum ContractState: String, Code { case active, archive }
public enum PinRequestStatus: String, Code { case open, issued, rejected }
public enum PinSource: String, Code { case issued, bill }
public enum PinState: String, Code { case active, revoked }
public enum ApplicationKind: String, Code {
    case vdgoMaintenance = "vdgo_maintenance", repair, recalculation
    case contractConnection = "contract_connection", contractSupply = "contract_supply", contractVDGO = "contract_vdgo"
}
public enum ApplicationStatus: String, Code {
    case draft, submitted, accepted, needsInfo = "needs_info", rejected, completed
}
public enum ApplicationSource: String, Code { case portal, office, phone }
public enum RecalculationReason: String, Code { case residents, heatedArea = "heated_area", absence, other }
public enum EquipmentKind: String, Code { case appliance, meter }
public enum ActorKind: String, Code { case customer, `operator`, system }
public enum TicketChannel: String, Code { case rgk, office, support }
public enum TicketTopic: String, Code { case registration, extended, settlements, bills, payments, meters, other }
public enum TicketStatus: String, Code { case new, answered, closed }
public enum TicketSource: String, Code { case portal, portalAnonymous = "portal_anonymous", phone, office }
public enum AuthorKind: String, Code { case customer, `operator` }
public enum AttachmentType: String, Code { case pdf = "application/pdf", jpeg = "image/jpeg", png = "image/png" }
public enum OutboxKind: String, Code {
    case ticketReply = "ticket_reply", ticketReceived = "ticket_received", applicationQuestion = "application_question", applicationStatus = "application_status"
    case readingRejected = "reading_rejected", pin, confirmationCode = "confirmation_code", other, bill
    case contactChanged = "contact_changed"
    /// The notices a customer switched on (issue 39 §3): a debt, a meter's verification, the RGK's news.
    case debtNotice = "debt_notice", verificationNotice = "verification_notice", news
}
/// Which notice a `notice_sent` row records, once per its key (issue 39 §3).
public enum NoticeKind: String, Code { case debts, verification, news }
/// What the program notes on an application's history step (`application_event.note`).
public enum ApplicationEventNote: String, Code { case takenAtOffice = "taken_at_office" }
extension AuditReason: Code {}
public enum OutboxStatus: String, Code { case waiting, sending, sent, failed, cancelled }
/// Why delivery cancelled a message (`outbox.cancel_reason`): what queued it no longer holds.
public enum OutboxCancelReason: String, Code {
    case userBlocked = "user_blocked", userDeleted = "user_deleted"
    case linkRemoved = "link_removed", accessRestricted = "access_restricted", billsOff = "bills_off", addressChanged = "address_changed"
    /// A notice (debts, verification, news) whose user switched that notice off since it was queued.
    case noticeOff = "notice_off"
}
