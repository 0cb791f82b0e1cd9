/// Every sentence the program says to a clerk: errors, results, warnings.
/// The English and Russian texts live in the CLI's catalog (`Output/Catalog.swift`),
/// which must have both for every key — a test checks it.
public enum MessageKey: String, CaseIterable, Sendable {
    // general
    case internalError
    case notFound
    case alreadyExists

    // usage
    case unknownCommand
    case unknownCommandSuggest
    case unknownOption
    case unknownOptionSuggest
    case missingValue
    case unexpectedValue
    case missingArgument
    case tooManyArguments
    case missingSubcommand
    case badNumber
    case argumentNotUTF8
    case badDecimal
    case numberOutOfRange
    case badDate
    case periodOutOfRange
    case badDuration
    case badChoice
    case badChoiceAmbiguous
    case optionsExclusive
    case optionRequires
    case oneOfRequired
    case needsYes
    case notATerminal
    case stdinEmpty
    case dashAmongIds
    case notOnThisEngine, backupServerTool, groupOnServer, passwordInArgv
    case stdinLine, stdinFields, stdinNoColumn, stdinShortLine, columnWithoutStdin, userAmbiguous
    case badId

    // database
    case databaseBusy
    case databaseFull
    case databaseReadOnly
    case databaseCannotOpen
    case databaseNotSQLite
    case databaseCorrupt
    case databaseIOError
    case databaseValueRefused
    // database: a PostgreSQL server
    case serverUnreachable
    case serverRefusedLogin
    case serverRefusedOperator
    case serverNotAnOperator
    case serverNeedsCreateRole
    case serverLoginHasOtherRights
    case serverDenied
    case serverNoSuchDatabase
    case serverConflict
    case serverReadOnly
    case serverBadAddress
    case databaseMissing
    case databaseIsDirectory
    case databaseNotOurs
    case databaseSchemaDiffers
    case databaseRefusedChange
    case databaseEmpty
    case databaseTooOld
    case databaseTooNew
    case databaseHasData
    case databaseNetworkFS
    case databaseCreated
    case databaseMigrated
    case databaseUpToDate
    case databaseGroupShared
    case groupUnknown
    case sharedDirectoryOpen
    case sharedDirectoryNotGroups
    case checkOK
    case checkOKServer
    case checkFailed
    case checkNeedsScratchSchema
    case checkPermissionsOthers
    case checkPermissionsGroup
    // the audit trail's hash chain (db check, audit verify)
    case auditChainHolds, auditRowChanged, auditRowHashEdited, auditRowReasonChanged, auditRowsMissing, auditRowsMissingAtStart
    case auditRowInserted, auditRowNotInChain, auditLastRowsMissing, auditChainHeadDiffers, auditRowDoesNotFit
    case backupWritten
    case fileExists
    case settingBadValue
    case settingBadStored
    case senderNotSet
    case smsCommandNotSet
    case deliveryProgramMissing
    case outboxByChannel
    case emailsWait
    case smtpRelayFailed
    case smtpRelayBad
    case smtpRelayWithLogin
    case smtpPasswordWithoutUser
    case smtpFileMissing
    case trustedFileUnsafe
    case noticeOptedOut
    case noContactPhone
    case noContactTellInPerson
    case settingUnknown
    case settingChanged
    case settingUnchanged
    case settingNotStored
    case settingIgnoredInDatabase
    case settingRowRemoved
    // the production calendar (issue 38)
    case calendarFileBad, calendarNotAFile, calendarLineUnknown, calendarLineAfterEnd, calendarNotClosed, calendarBadYear, calendarBadSource
    case calendarBadDay, calendarBadKind, calendarWorkedWeekday, calendarBadMovedFrom, calendarDayTwice, calendarHolidayWorked
    case calendarMovedTwice, calendarWorkedWeekendUnpaired, calendarStoredBad, calendarYearUnknown, calendarNoYears, calendarBadRange
    case calendarWorkingDaysWrong, calendarPreHolidayNotShortened
    case deadlineYearUnknown
    case ticketNotPersonalData, ticketNotExtendable, ticketExtendedAlready, ticketNothingDue, ticketExtended, ticketTopicSet
    case badTimeZone, rgkZoneSet, rgkZoneSame
    case calendarAdded, calendarReplaced, calendarUnchanged
    case configFileNotRegular
    case configFileUnreadable
    case configFileUnsafe
    case configDirectoryUnsafe
    case configFileNotText
    case configFileBadLine
    case configFileUnknownKey
    case configFileTwice
    case configFileBadValue
    case fileCannotCreate
    case fileCannotWrite
    case fileReadError

    // operators and permissions
    case noOSLogin
    case operatorUnknown
    case roleRequired
    case operatorAdded
    case operatorRoleChanged
    case operatorScopeChanged
    case scopeBeyondOwn
    case scopeAllBeyondOwn
    case outsideScope
    case rgkOutsideScope
    case importRGKOutsideScope
    case operatorRemoved
    case lastAdmin
    case lastAdminOfAllRGKs
    case operatorNotOSLogin
    case confirmRemoveOperator

    // batches
    case batchRolledBack
    case transition
    case unchanged
    case conflictState
    case expectStatusMismatch
    case dryRunNothingWritten
    case notApplied
    case verbatim
    case secretsDiffer

    // users, accounts, PINs
    case badAccountNumber
    case accountAmbiguous
    case badLogin
    case badPassword
    case badEmail
    case badPhone
    case documentEmpty
    case loginTaken
    case loginTakenBy
    case badUsername, usernameTakenBy, usernameChanged
    case codeNone
    case codeExpired
    case codeTooManyAttempts
    case codeWrong
    case tooManyLinks
    case linkMissing
    case linkLocked
    case linkNowLocked
    case answerWrong
    case pinRequestOtherAccount
    case pinNoEmail
    case moreRows
    case nothingFound
    case nothingFoundFor
    case tableColumnsHidden
    case promptPassword
    case promptPasswordAgain
    case userCreated
    case passwordShownOnce
    case codeOneUser
    case passwordReset
    case loginChanged
    case codeQueued
    case pinKeyUnreadable
    case queuesRecounted
    case activationQueued, noIdentityToActivate, identityNotWaiting, identityAmbiguous, identityWithoutEmail, portalURLNotSet
    case spellingRepairable, spellingRepaired, spellingTaken, spellingNotAContact, spellingsRepaired, spellingsNone, spellingsDryRun, spellingsMore
    case confirmDeleteUser
    case purgeWouldRemove
    case confirmPurge
    case purged
    case linked
    case alreadyLinked
    case unlinked
    case notLinked
    case cardUnlinked, cardNotFound, cardAmbiguous
    case extendedUnlocked
    case extendedNotLocked
    case pinRefusePipe
    case pinShownOnce
    case pinSent
    case pinEarlierRevoked
    case pinRevoked
    case pinNoneActive

    // readings and applications
    case readingBreaksRules
    case forceNeedsReason
    case reasonNotBroken
    case reasonNotBrokenQuestion
    case otherNeedsMessage
    case messageQueued
    case recipientRefused
    case outboxSecretErased
    case pinBadEmail
    case readingInFuture
    case readingRefused
    case readingNotWhole
    case fileMissing
    case fileUnreadable
    case attachmentTooLarge
    case attachmentEmpty
    case attachmentType
    case attachmentExists
    case assignedTo
    case alreadyAssigned
    case kindNeeds
    case pendingTotal
    case wouldAcceptAll
    case acceptedAll
    case wouldRejectAll
    case rejectedAll
    case countLine
    case readingEntered
    case applicationCreated
    case binaryToTerminal
    case fileWritten

    // tickets, FAQ, outbox
    case emptyMessage
    case officeOtherRGK
    case replyCancelled
    case ticketOpened
    case editorFailed
    case editorInterrupted
    case faqEditorHint
    case faqNotSaved
    case faqAdded
    case faqEdited
    case faqUnchanged
    case faqRemoved
    case confirmRemoveFAQ
    case outboxReport
    case outboxRecovered
    case outboxInDoubt
    case outboxCancelled

    // import and export
    case importEmpty
    case importNotANumber
    case importOutOfRange
    case importNotAnAmount
    case importNotADate
    case importNotAPeriod
    case importUnknownCode
    case importNeedsRGK
    case importUnknownRGK
    case importOtherRGK
    case importMissingParent
    case importBadRGKCode
    case importBadPIN
    case importNoHeader
    case importUnterminatedQuote
    case importColumnCount
    case importNUL
    case importInvalidBytes
    case importBadHeader
    case importDuplicateColumn
    case importMissingColumn
    case importRefused
    case importMoreBadRows
    case importSummary
    case importDrySummary
    case importResumed
    case importNothingChanged
    case exportWritten
    case exportContactsWritten
    // the holder's phone at the desk (issue 39)
    case phoneSet, phoneUnchanged, phoneDeskKept, phoneFileAccepted, phoneNoConflict, importPhoneKept

    // import header
    case importMissingRGKColumn

    // import progress
    case importChecking
    case importWriting

    // review
    case reviewNeedsTerminal
    case reviewNothing
    case reviewDecidedMeanwhile
    case reviewAlreadyDecided
    case reviewConflict
    case reviewSummary

    // review 2
    case reviewNotAllowed
    case reviewNoFAQ
    case reviewAnsweredMeanwhile

    // database: faults of the file system
    case databaseFileLimit
    case databaseReadOnlyFS

    // import: records that cannot be read
    case importRecordTooLong
    case importHeaderOpenQuote
    case importHeaderTooLong
    case importFieldTooLong

    // outbox: delivery receipts
    case outboxClaimLost

    // demo
    case demoDone
    case progressRows
    case progressMessages
    case progressLeft

    // decisions taken back, and bulk decisions confirmed
    case readingFromRGK
    case readingExported
    case readingHasLater
    case bulkPlan
    case bulkPlanRGK
    case bulkPlanMessages
    case bulkPlanUnreachable
    case bulkPlanFailures
    case bulkQuestion
    case bulkCancelled
    case bulkCannotAsk
    case dryRunNothingQueued

    case billFuturePeriod, billNoSettlements, billNoSettlementsAtAll, billNoBankDetails, billNoFont, billWritten, billPrinted, billQueued
    // the notices customers switched on (issue 39 §3)
    case noticePlan, noticeDone, noticeFileNotUTF8, noticeFileEmpty, noticePreview, noticeLimitedSkipped
    case billMailingPlan, billMailingDone, billNoEmail, billNoUser, billLimitedOnly, billLinkLocked, billUserNotActive, badPeriod, printFailed, paymentAmbiguous, officeAmbiguous, serialNeeded, contractAmbiguous, actAmbiguous, ticketNotYours, badAlias, aliasSet, aliasCleared, aliasNeedsText, profileEdited, profileUnchanged, badSwitch
    case importBadINN, importBadKPP, importBadBIC, importBadBankAccount, importBankNeedsBIC

    // what the program notes in the audit trail (AuditReason), put into words when read
    case noteInitialAdmin, noteRegisteredAtOffice, noteConfirmedInPerson, noteConfirmedWithCode, noteCodeAttempt
    case noteRecoveryCodesVoided, noteCodeSent, noteAnswerAttempt, noteAnswerAttemptLocked, noteExtendedVia
    case noteDeliveryTimedOut, noteSenderDied, noteFAQAnswer, noteTicketOpened, noteApplicationCreated, noteDemoGenerated
    case noteErased, notePinIssuedShown, notePinIssuedSent, noteReadingByPhone, noteReadingRule, notePurgedUnconfirmed, noteImported, noteBillsQueued, noteProfileField
}
