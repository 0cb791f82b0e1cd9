/// The database schema, one migration per version (`PRAGMA user_version`).
/// `docs/schema.md` explains each table for the portal's developers; keep them together.
public enum Schema {
    /// 'MGAZ' — identifies our files so that `init` never adopts a stranger's database.
    public static let applicationID: Int32 = 0x4D47_415A

    /// `migrations.count` (`SchemaTests` holds them equal), written out: every process asks for it
    /// (the help of `init`), and counting the migrations built every one of their scripts.
    public static let currentVersion = 30

    /// `migrations[i]` moves a database from version i to version i + 1.
    public static let migrations: [String] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, productionCalendar, deskPhone, operatorScopes, abonent, notices, rowSecurity, searchInScope,
                                                   scopedClerkSpeed, noticeOffAndUsernameSearch, ticketDeadlines, dueCounts, unansweredTicketCounts,
                                                   statusAtScale, ticketClocks, ticketRunningByKind, accountSearchText, scopeOfServerFunctions, dueCountWholeQueues,
                                                   ticketPersonalDataKinds, decisionIndexes, settingKeys]

    /// `col = 'a' OR col = 'b' …`: the same meaning as `col IN ('a', 'b', …)`, but SQLite
    /// builds an ephemeral table for an IN list on every single-row insert, ~2.5 µs per check.
    static func oneOf<C: Code>(_ column: String, _ type: C.Type) -> String {
        oneOf(column, C.codes)
    }

    static func oneOf(_ column: String, _ codes: String...) -> String { oneOf(column, codes) }

    static func oneOf(_ column: String, _ codes: [String]) -> String {
        codes.map { "\(column) = '\($0)'" }.joined(separator: " OR ")
    }

    static let v1 = """
    CREATE TABLE rgk (
        id              INTEGER PRIMARY KEY,
        code            TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 2 AND 32 AND code NOT GLOB '*[^a-z0-9_-]*'),
        name            TEXT NOT NULL CHECK (name <> ''),
        region          TEXT,
        phone           TEXT,
        email           TEXT,
        max_monthly_m3  INTEGER NOT NULL DEFAULT 500 CHECK (max_monthly_m3 > 0),
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    ) STRICT;

    CREATE TABLE office (
        id          INTEGER PRIMARY KEY,
        rgk_id      INTEGER NOT NULL REFERENCES rgk(id),
        name        TEXT NOT NULL CHECK (name <> ''),
        address     TEXT,
        phone       TEXT,
        hours       TEXT,
        lat         REAL CHECK (lat BETWEEN -90 AND 90),
        lon         REAL CHECK (lon BETWEEN -180 AND 180),
        UNIQUE (rgk_id, name)
    ) STRICT;

    CREATE TABLE operator (
        login       TEXT PRIMARY KEY CHECK (length(login) BETWEEN 1 AND 64),
        role        TEXT NOT NULL CHECK (\(oneOf("role", Role.self))),
        full_name   TEXT,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE portal_user (
        id              INTEGER PRIMARY KEY,
        login           TEXT NOT NULL UNIQUE,
        login_kind      TEXT NOT NULL CHECK (\(oneOf("login_kind", LoginKind.self))),
        password_hash   TEXT,
        full_name       TEXT,
        email           TEXT,
        phone           TEXT,
        status          TEXT NOT NULL CHECK (\(oneOf("status", UserStatus.self))),
        blocked_reason  TEXT,
        consent_at      TEXT,
        consent_channel TEXT CHECK (\(oneOf("consent_channel", ConsentChannel.self))),
        notify_debts    INTEGER NOT NULL DEFAULT 1 CHECK (notify_debts IN (0, 1)),
        notify_status   INTEGER NOT NULL DEFAULT 1 CHECK (notify_status IN (0, 1)),
        notify_news     INTEGER NOT NULL DEFAULT 0 CHECK (notify_news IN (0, 1)),
        email_bills     INTEGER NOT NULL DEFAULT 0 CHECK (email_bills IN (0, 1)),
        registered_at   TEXT NOT NULL,
        confirm_until   TEXT,
        confirmed_at    TEXT,
        deleted_at      TEXT,
        updated_at      TEXT NOT NULL,
        CHECK (status <> 'blocked' OR blocked_reason IS NOT NULL),
        CHECK ((status = 'deleted') = (login_kind = 'erased'))
    ) STRICT;
    CREATE INDEX portal_user_status ON portal_user (status, registered_at);

    CREATE TABLE confirmation_code (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES portal_user(id) ON DELETE CASCADE,
        purpose     TEXT NOT NULL CHECK (\(oneOf("purpose", CodePurpose.self))),
        channel     TEXT NOT NULL CHECK (\(oneOf("channel", MessageChannel.self))),
        destination TEXT NOT NULL,
        code_hash   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 5),
        used_at     TEXT,
        voided_at   TEXT
    ) STRICT;
    CREATE INDEX confirmation_code_user ON confirmation_code (user_id, purpose, expires_at);

    CREATE TABLE account (
        id          INTEGER PRIMARY KEY,
        rgk_id      INTEGER NOT NULL REFERENCES rgk(id),
        -- digits without leading zeros (023-185952 is 23185952): the cheapest exact check
        number      TEXT NOT NULL CHECK (CAST(CAST(number AS INTEGER) AS TEXT) = number AND number > '0'),
        surname     TEXT,
        name        TEXT,
        patronymic  TEXT,
        address     TEXT,
        phone       TEXT,
        residents   INTEGER CHECK (residents >= 0),
        heated_area REAL CHECK (heated_area >= 0),
        status      TEXT NOT NULL DEFAULT 'open' CHECK (\(oneOf("status", AccountStatus.self))),
        updated_at  TEXT NOT NULL,
        UNIQUE (rgk_id, number)
    ) STRICT;

    CREATE TABLE user_account (
        user_id         INTEGER NOT NULL REFERENCES portal_user(id) ON DELETE CASCADE,
        account_id      INTEGER NOT NULL REFERENCES account(id),
        access_level    TEXT NOT NULL DEFAULT 'restricted' CHECK (\(oneOf("access_level", AccessLevel.self))),
        alias           TEXT,
        failed_answers  INTEGER NOT NULL DEFAULT 0 CHECK (failed_answers >= 0),
        locked_at       TEXT,
        extended_at     TEXT,
        extended_via    TEXT CHECK (\(oneOf("extended_via", ExtendedVia.self))),
        linked_at       TEXT NOT NULL,
        PRIMARY KEY (user_id, account_id),
        CHECK ((access_level = 'extended') = (extended_via IS NOT NULL))
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX user_account_account ON user_account (account_id);
    CREATE TRIGGER user_account_at_most_three BEFORE INSERT ON user_account
    WHEN (SELECT count(*) FROM user_account WHERE user_id = NEW.user_id) >= 3
    BEGIN
        SELECT RAISE(ABORT, 'a portal user may link at most 3 personal accounts');
    END;

    CREATE TABLE service (
        id          INTEGER PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES account(id),
        kind        TEXT NOT NULL CHECK (\(oneOf("kind", ServiceKind.self))),
        balance_kop INTEGER NOT NULL DEFAULT 0,
        updated_at  TEXT NOT NULL,
        UNIQUE (account_id, kind)
    ) STRICT;
    CREATE INDEX service_debt ON service (balance_kop) WHERE balance_kop < 0;

    CREATE TABLE meter (
        id                  INTEGER PRIMARY KEY,
        account_id          INTEGER NOT NULL REFERENCES account(id),
        serial              TEXT NOT NULL CHECK (serial <> ''),
        model               TEXT,
        digits              INTEGER NOT NULL CHECK (digits BETWEEN 1 AND 12),
        place               TEXT,
        next_verification   TEXT CHECK (next_verification IS NULL OR date(next_verification) = next_verification),
        state               TEXT NOT NULL DEFAULT 'working' CHECK (\(oneOf("state", MeterState.self))),
        max_monthly_m3      INTEGER CHECK (max_monthly_m3 > 0),
        UNIQUE (account_id, serial)
    ) STRICT;
    CREATE INDEX meter_serial ON meter (serial);

    CREATE TABLE import_batch (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL CHECK (\(oneOf("kind", v1ImportKinds))),
        rgk_id          INTEGER REFERENCES rgk(id),
        file_name       TEXT NOT NULL,
        file_sha256     TEXT NOT NULL,
        file_size       INTEGER NOT NULL,
        encoding        TEXT NOT NULL CHECK (\(oneOf("encoding", FileEncoding.self))),
        delimiter       TEXT NOT NULL,
        operator        TEXT NOT NULL,
        pid             INTEGER,
        host            TEXT,
        status          TEXT NOT NULL CHECK (\(oneOf("status", ImportStatus.self))),
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        rows_read       INTEGER NOT NULL DEFAULT 0,
        rows_done       INTEGER NOT NULL DEFAULT 0,
        inserted        INTEGER NOT NULL DEFAULT 0,
        updated         INTEGER NOT NULL DEFAULT 0,
        unchanged       INTEGER NOT NULL DEFAULT 0,
        rejected        INTEGER NOT NULL DEFAULT 0,
        error           TEXT
    ) STRICT;
    CREATE INDEX import_batch_rgk ON import_batch (rgk_id, started_at);
    CREATE INDEX import_batch_status ON import_batch (status, started_at);
    CREATE INDEX import_batch_file ON import_batch (file_sha256, kind);

    CREATE TABLE reading (
        id              INTEGER PRIMARY KEY,
        meter_id        INTEGER NOT NULL REFERENCES meter(id),
        value           INTEGER NOT NULL CHECK (value >= 0),
        reading_date    TEXT NOT NULL CHECK (date(reading_date) = reading_date),
        source          TEXT NOT NULL CHECK (\(oneOf("source", ReadingSource.self))),
        status          TEXT NOT NULL CHECK (\(oneOf("status", ReadingStatus.self))),
        submitted_at    TEXT NOT NULL,
        user_id         INTEGER REFERENCES portal_user(id) ON DELETE SET NULL,
        decided_at      TEXT,
        decided_by      TEXT,
        reason          TEXT CHECK (\(oneOf("reason", ReadingReason.self))),
        message         TEXT,
        forced          INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
        import_batch_id INTEGER REFERENCES import_batch(id),
        rgk_id          INTEGER REFERENCES rgk(id),
        CHECK (status <> 'rejected' OR reason IS NOT NULL)
    ) STRICT;
    -- the review queue; history imported from the RGK never enters these two indexes
    CREATE INDEX reading_queue ON reading (submitted_at, id) WHERE status = 'pending';
    CREATE INDEX reading_queue_rgk ON reading (rgk_id, submitted_at, id) WHERE status = 'pending';
    CREATE INDEX reading_decided ON reading (decided_at, id) WHERE source <> 'rgk' AND status <> 'pending';
    -- per meter, by date: the last accepted reading, the supersede trigger, history. status and
    -- value come after the unique key: the index answers "the previous accepted reading" alone,
    -- and a decision rewrites the entry where it is instead of moving it
    CREATE INDEX reading_meter ON reading (meter_id, reading_date, id, status, value);
    CREATE UNIQUE INDEX reading_rgk_history ON reading (meter_id, reading_date) WHERE source = 'rgk';
    -- The RGK of a reading in the queue, so that per-RGK queues need no join; the portal may
    -- leave it out.
    CREATE TRIGGER reading_rgk AFTER INSERT ON reading WHEN NEW.status = 'pending' AND NEW.rgk_id IS NULL
    BEGIN
        UPDATE reading SET rgk_id = (SELECT a.rgk_id FROM meter m JOIN account a ON a.id = m.account_id WHERE m.id = NEW.meter_id)
        WHERE id = NEW.id;
    END;
    -- A newer pending reading for the same meter replaces the older one, whoever writes it.
    CREATE TRIGGER reading_supersede AFTER INSERT ON reading WHEN NEW.status = 'pending'
    BEGIN
        UPDATE reading SET status = 'superseded', decided_at = NEW.submitted_at, decided_by = 'system'
        WHERE meter_id = NEW.meter_id AND status = 'pending' AND id <> NEW.id;
    END;

    CREATE TABLE settlement (
        id          INTEGER PRIMARY KEY,
        service_id  INTEGER NOT NULL REFERENCES service(id),
        period      TEXT NOT NULL CHECK (period GLOB '[12][0-9][0-9][0-9]-[01][0-9]' AND substr(period, 6, 2) BETWEEN '01' AND '12'),
        opening_kop INTEGER NOT NULL,
        charged_kop INTEGER NOT NULL DEFAULT 0,
        paid_kop    INTEGER NOT NULL DEFAULT 0,
        benefit_kop INTEGER NOT NULL DEFAULT 0,
        recalc_kop  INTEGER NOT NULL DEFAULT 0,
        closing_kop INTEGER,
        UNIQUE (service_id, period)
    ) STRICT;

    CREATE TABLE payment (
        id          INTEGER PRIMARY KEY,
        rgk_id      INTEGER NOT NULL REFERENCES rgk(id),
        external_id TEXT NOT NULL CHECK (external_id <> ''),
        account_id  INTEGER NOT NULL REFERENCES account(id),
        service     TEXT NOT NULL CHECK (\(oneOf("service", ServiceKind.self))),
        paid_on     TEXT NOT NULL CHECK (date(paid_on) = paid_on),
        amount_kop  INTEGER NOT NULL CHECK (amount_kop > 0),
        channel     TEXT,
        state       TEXT NOT NULL CHECK (\(oneOf("state", PaymentState.self))),
        UNIQUE (rgk_id, external_id)
    ) STRICT;
    CREATE INDEX payment_account ON payment (account_id, paid_on);

    CREATE TABLE contract (
        id          INTEGER PRIMARY KEY,
        rgk_id      INTEGER NOT NULL REFERENCES rgk(id),
        number      TEXT NOT NULL CHECK (number <> ''),
        account_id  INTEGER NOT NULL REFERENCES account(id),
        kind        TEXT NOT NULL CHECK (\(oneOf("kind", ContractKind.self))),
        signed_on   TEXT CHECK (signed_on IS NULL OR date(signed_on) = signed_on),
        valid_until TEXT CHECK (valid_until IS NULL OR date(valid_until) = valid_until),
        state       TEXT NOT NULL CHECK (\(oneOf("state", ContractState.self))),
        UNIQUE (rgk_id, number)
    ) STRICT;
    CREATE INDEX contract_account ON contract (account_id);

    CREATE TABLE act (
        id          INTEGER PRIMARY KEY,
        contract_id INTEGER NOT NULL REFERENCES contract(id),
        number      TEXT NOT NULL CHECK (number <> ''),
        act_date    TEXT NOT NULL CHECK (date(act_date) = act_date),
        UNIQUE (contract_id, number)
    ) STRICT;

    CREATE TABLE act_item (
        id          INTEGER PRIMARY KEY,
        act_id      INTEGER NOT NULL REFERENCES act(id) ON DELETE CASCADE,
        work        TEXT NOT NULL CHECK (work <> ''),
        cost_kop    INTEGER NOT NULL CHECK (cost_kop >= 0),
        UNIQUE (act_id, work)
    ) STRICT;

    CREATE TABLE pin_request (
        id          INTEGER PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES account(id),
        user_id     INTEGER REFERENCES portal_user(id) ON DELETE SET NULL,
        full_name   TEXT NOT NULL,
        email       TEXT,
        phone       TEXT,
        status      TEXT NOT NULL CHECK (\(oneOf("status", PinRequestStatus.self))),
        created_at  TEXT NOT NULL,
        decided_at  TEXT,
        decided_by  TEXT,
        reason      TEXT,
        CHECK (email IS NOT NULL OR phone IS NOT NULL),
        CHECK (status <> 'rejected' OR reason IS NOT NULL)
    ) STRICT;
    CREATE INDEX pin_request_queue ON pin_request (status, created_at);
    CREATE INDEX pin_request_account ON pin_request (account_id);

    CREATE TABLE pin (
        id              INTEGER PRIMARY KEY,
        account_id      INTEGER NOT NULL REFERENCES account(id),
        pin_hash        TEXT NOT NULL CHECK (pin_hash GLOB '$*$*'),
        source          TEXT NOT NULL CHECK (\(oneOf("source", PinSource.self))),
        state           TEXT NOT NULL CHECK (\(oneOf("state", PinState.self))),
        issued_at       TEXT NOT NULL,
        issued_by       TEXT NOT NULL,
        expires_at      TEXT,
        revoked_at      TEXT,
        revoked_by      TEXT,
        request_id      INTEGER REFERENCES pin_request(id),
        import_batch_id INTEGER REFERENCES import_batch(id)
    ) STRICT;
    CREATE UNIQUE INDEX pin_one_active ON pin (account_id) WHERE state = 'active';
    CREATE INDEX pin_account ON pin (account_id, issued_at);

    CREATE TABLE application (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL CHECK (\(oneOf("kind", ApplicationKind.self))),
        status          TEXT NOT NULL CHECK (\(oneOf("status", ApplicationStatus.self))),
        rgk_id          INTEGER NOT NULL REFERENCES rgk(id),
        account_id      INTEGER REFERENCES account(id),
        address         TEXT,
        user_id         INTEGER REFERENCES portal_user(id) ON DELETE SET NULL,
        source          TEXT NOT NULL CHECK (\(oneOf("source", ApplicationSource.self))),
        contact_name    TEXT,
        contact_phone   TEXT,
        contact_email   TEXT,
        comment         TEXT,
        assigned_to     TEXT REFERENCES operator(login) ON DELETE SET NULL,
        created_at      TEXT NOT NULL,
        submitted_at    TEXT,
        updated_at      TEXT NOT NULL,
        CHECK (account_id IS NOT NULL OR address IS NOT NULL),
        CHECK (status = 'draft' OR submitted_at IS NOT NULL)
    ) STRICT;
    CREATE INDEX application_queue ON application (status, submitted_at, id);
    CREATE INDEX application_account ON application (account_id);
    CREATE INDEX application_assigned ON application (assigned_to, status) WHERE assigned_to IS NOT NULL;
    CREATE INDEX application_user ON application (user_id) WHERE user_id IS NOT NULL;

    -- ТО ВДГО (001 §4.4.1)
    CREATE TABLE application_maintenance (
        application_id  INTEGER PRIMARY KEY REFERENCES application(id) ON DELETE CASCADE,
        work_type       TEXT NOT NULL CHECK (work_type <> ''),
        description     TEXT NOT NULL CHECK (description <> ''),
        desired_date    TEXT NOT NULL CHECK (date(desired_date) = desired_date)
    ) STRICT;

    -- Repair call (000: account or address, mobile phone, reason)
    CREATE TABLE application_repair (
        application_id  INTEGER PRIMARY KEY REFERENCES application(id) ON DELETE CASCADE,
        reason          TEXT NOT NULL CHECK (reason <> '')
    ) STRICT;

    -- Recalculation (001 §4.4.2)
    CREATE TABLE application_recalculation (
        application_id  INTEGER PRIMARY KEY REFERENCES application(id) ON DELETE CASCADE,
        reason          TEXT NOT NULL CHECK (\(oneOf("reason", RecalculationReason.self))),
        date_from       TEXT NOT NULL CHECK (date(date_from) = date_from),
        residents       INTEGER CHECK (residents >= 0),
        heated_area     REAL CHECK (heated_area > 0),
        CHECK (residents IS NOT NULL OR heated_area IS NOT NULL OR \(oneOf("reason", "absence", "other")))
    ) STRICT;

    -- Contract applications (001 §4.5.2.1–4.5.2.3)
    CREATE TABLE application_contract (
        application_id      INTEGER PRIMARY KEY REFERENCES application(id) ON DELETE CASCADE,
        customer_name       TEXT NOT NULL CHECK (customer_name <> ''),
        customer_address    TEXT NOT NULL CHECK (customer_address <> ''),
        identity_document   TEXT NOT NULL CHECK (identity_document <> ''),
        object_type         TEXT NOT NULL CHECK (object_type <> ''),
        object_address      TEXT NOT NULL CHECK (object_address <> ''),
        ownership_document  TEXT,
        max_hourly_m3       REAL CHECK (max_hourly_m3 > 0),
        commissioning_date  TEXT CHECK (commissioning_date IS NULL OR date(commissioning_date) = commissioning_date),
        residents           INTEGER CHECK (residents >= 0),
        heated_living_area  REAL CHECK (heated_living_area >= 0),
        heated_other_area   REAL CHECK (heated_other_area >= 0),
        livestock           TEXT,
        benefits            TEXT,
        payment_form        TEXT
    ) STRICT;

    -- Gas appliances and meters listed in a contract application
    CREATE TABLE application_equipment (
        id                  INTEGER PRIMARY KEY,
        application_id      INTEGER NOT NULL REFERENCES application(id) ON DELETE CASCADE,
        kind                TEXT NOT NULL CHECK (\(oneOf("kind", EquipmentKind.self))),
        description         TEXT NOT NULL CHECK (description <> ''),
        place               TEXT,
        last_verification   TEXT CHECK (last_verification IS NULL OR date(last_verification) = last_verification)
    ) STRICT;
    CREATE INDEX application_equipment_app ON application_equipment (application_id);

    CREATE TABLE application_event (
        id              INTEGER PRIMARY KEY,
        application_id  INTEGER NOT NULL REFERENCES application(id) ON DELETE CASCADE,
        at              TEXT NOT NULL,
        actor_kind      TEXT NOT NULL CHECK (\(oneOf("actor_kind", ActorKind.self))),
        actor           TEXT,
        from_status     TEXT CHECK (\(oneOf("from_status", ApplicationStatus.self))),
        to_status       TEXT NOT NULL CHECK (\(oneOf("to_status", ApplicationStatus.self))),
        message         TEXT
    ) STRICT;
    CREATE INDEX application_event_app ON application_event (application_id, id);

    CREATE TABLE ticket (
        id                      INTEGER PRIMARY KEY,
        channel                 TEXT NOT NULL CHECK (\(oneOf("channel", TicketChannel.self))),
        rgk_id                  INTEGER REFERENCES rgk(id),
        office_id               INTEGER REFERENCES office(id),
        topic                   TEXT NOT NULL CHECK (\(oneOf("topic", TicketTopic.self))),
        status                  TEXT NOT NULL CHECK (\(oneOf("status", TicketStatus.self))),
        user_id                 INTEGER REFERENCES portal_user(id) ON DELETE SET NULL,
        sender_name             TEXT NOT NULL,
        sender_email            TEXT,
        sender_phone            TEXT,
        account_number          TEXT,
        account_id              INTEGER REFERENCES account(id),
        source                  TEXT NOT NULL DEFAULT 'portal' CHECK (\(oneOf("source", TicketSource.self))),
        assigned_to             TEXT REFERENCES operator(login) ON DELETE SET NULL,
        created_at              TEXT NOT NULL,
        updated_at              TEXT NOT NULL,
        last_customer_at        TEXT NOT NULL,
        last_operator_at        TEXT,
        closed_at               TEXT,
        CHECK (channel <> 'office' OR office_id IS NOT NULL),
        CHECK (channel = 'support' OR rgk_id IS NOT NULL),
        CHECK (sender_email IS NOT NULL OR sender_phone IS NOT NULL OR status = 'closed')
    ) STRICT;
    CREATE INDEX ticket_queue ON ticket (status, created_at, id);
    CREATE INDEX ticket_assigned ON ticket (assigned_to, status) WHERE assigned_to IS NOT NULL;

    CREATE TABLE ticket_message (
        id          INTEGER PRIMARY KEY,
        ticket_id   INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
        at          TEXT NOT NULL,
        author_kind TEXT NOT NULL CHECK (\(oneOf("author_kind", AuthorKind.self))),
        author      TEXT,
        body        TEXT NOT NULL,
        faq_id      INTEGER REFERENCES faq(id) ON DELETE SET NULL
    ) STRICT;
    CREATE INDEX ticket_message_ticket ON ticket_message (ticket_id, id);

    CREATE TABLE attachment (
        id                  INTEGER PRIMARY KEY,
        application_id      INTEGER REFERENCES application(id) ON DELETE CASCADE,
        ticket_id           INTEGER REFERENCES ticket(id) ON DELETE CASCADE,
        name                TEXT NOT NULL CHECK (name <> '' AND instr(name, '/') = 0),
        content_type        TEXT NOT NULL CHECK (\(oneOf("content_type", AttachmentType.self))),
        size                INTEGER NOT NULL CHECK (size BETWEEN 1 AND 10485760),
        sha256              TEXT NOT NULL,
        content             BLOB NOT NULL,
        created_at          TEXT NOT NULL,
        CHECK ((application_id IS NULL) <> (ticket_id IS NULL)),
        CHECK (length(content) = size)
    ) STRICT;
    CREATE UNIQUE INDEX attachment_application ON attachment (application_id, name) WHERE application_id IS NOT NULL;
    CREATE UNIQUE INDEX attachment_ticket ON attachment (ticket_id, name) WHERE ticket_id IS NOT NULL;

    CREATE TABLE faq (
        id          INTEGER PRIMARY KEY,
        topic       TEXT NOT NULL CHECK (\(oneOf("topic", TicketTopic.self))),
        question    TEXT NOT NULL CHECK (question <> ''),
        answer      TEXT NOT NULL CHECK (answer <> ''),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX faq_topic ON faq (topic);

    \(outbox(kinds: v1OutboxKinds, statuses: v1OutboxStatuses))
    CREATE INDEX outbox_queue ON outbox (status, next_attempt_at, id);

    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        operator    TEXT NOT NULL,
        action      TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id   TEXT,
        old_value   TEXT,
        new_value   TEXT,
        reason      TEXT
    ) STRICT;
    CREATE INDEX audit_at ON audit (at);
    CREATE INDEX audit_entity ON audit (entity_type, entity_id, at);
    CREATE INDEX audit_operator ON audit (operator, at);
    """

    /// The outbox with the message kinds and states a version knows; a later version that adds
    /// one rebuilds the table (SQLite cannot change a CHECK in place).
    /// `cancelReasons`: the reasons a version knows, with `users` (the user and the cancel reason).
    static func outbox(_ name: String = "outbox", kinds: [String], statuses: [String], bills: Bool = false, users: Bool = false,
                       cancelReasons: [String] = []) -> String {
        var billColumn = bills ? """
                bill_period     TEXT CHECK (bill_period IS NULL OR (bill_period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' AND entity_type = 'account')),

            """ : ""
        if users {
            billColumn += """
                    user_id         INTEGER,
                    cancel_reason   TEXT CHECK (cancel_reason IS NULL OR \(oneOf("cancel_reason", cancelReasons))),

                """
        }
        return """
        CREATE TABLE \(name) (
            id              INTEGER PRIMARY KEY,
            channel         TEXT NOT NULL CHECK (\(oneOf("channel", MessageChannel.self))),
            recipient       TEXT NOT NULL CHECK (recipient <> ''),
            subject         TEXT,
            body            TEXT NOT NULL,
            secret          TEXT,
            rgk_id          INTEGER REFERENCES rgk(id),
            kind            TEXT NOT NULL CHECK (\(oneOf("kind", kinds))),
            entity_type     TEXT,
            entity_id       INTEGER,
            status          TEXT NOT NULL CHECK (\(oneOf("status", statuses))),
            attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at TEXT NOT NULL,
            claim_token     TEXT,
            claimed_at      TEXT,
            delivery_pid    INTEGER,
            last_error      TEXT,
            message_id      TEXT,
            created_at      TEXT NOT NULL,
            sent_at         TEXT,
        \(billColumn)    CHECK (channel <> 'email' OR subject IS NOT NULL),
            CHECK (status <> 'sent' OR secret IS NULL)
        ) STRICT;
        """
    }

    static let v1OutboxKinds = ["ticket_reply", "application_question", "application_status", "reading_rejected", "pin",
                                "confirmation_code", "other"]
    /// The kinds version 3 knew, frozen in its CHECK (contact_changed came later, and the notices'
    /// kinds with `notices`, which rebuilds the table).
    static let v3OutboxKinds = ["ticket_reply", "ticket_received", "application_question", "application_status", "reading_rejected", "pin",
                                "confirmation_code", "other", "bill"]
    static let v1OutboxStatuses = ["waiting", "sending", "sent", "failed"]
    /// The states version 2 knew (`cancelled` came with it), frozen in its CHECK and the rebuilds' since.
    static let v2OutboxStatuses = v1OutboxStatuses + ["cancelled"]
    /// The reasons delivery cancelled a message for, frozen in the CHECK of version 8 (and of the
    /// table `notices` rebuilt): `noticeSwitches` (version 18) adds `notice_off`.
    static let v8OutboxCancelReasons = ["user_blocked", "user_deleted", "link_removed", "access_restricted", "bills_off", "address_changed"]
    /// The kinds `notices` (version 14) knows, frozen in its CHECK.
    static let v14OutboxKinds = v3OutboxKinds + ["contact_changed", "debt_notice", "verification_notice", "news"]
    static let v2OutboxKinds = ["ticket_reply", "ticket_received", "application_question", "application_status", "reading_rejected", "pin",
                                "confirmation_code", "other"]

    /// Settings kept in the database (`config`); the mark a reading gets when it has been
    /// exported to the RGK's billing (after which it can no longer be reopened); the outbox
    /// learns acknowledgements of tickets and messages cancelled by an erasure.
    static let v2 = """
    CREATE TABLE setting (
        key         TEXT PRIMARY KEY CHECK (\(oneOf("key", SettingKey.self))),
        value       TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
    ) STRICT;
    ALTER TABLE reading ADD COLUMN exported_at TEXT;
    \(outbox("outbox_v2", kinds: v2OutboxKinds, statuses: v2OutboxStatuses))
    INSERT INTO outbox_v2 SELECT * FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v2 RENAME TO outbox;
    CREATE INDEX outbox_queue ON outbox (status, next_attempt_at, id);
    """

    /// What the program writes is kept as codes with arguments, put into words by the reader
    /// (docs/schema.md lists them); the sentences version 2 wrote in English become codes.
    static let v3 = """
    ALTER TABLE audit ADD COLUMN reason_code TEXT CHECK (reason_code IS NULL OR \(oneOf("reason_code", AuditReason.self)));
    ALTER TABLE audit ADD COLUMN reason_args TEXT CHECK (reason_args IS NULL OR json_valid(reason_args));
    ALTER TABLE application_event ADD COLUMN note TEXT CHECK (note IS NULL OR \(oneOf("note", ApplicationEventNote.self)));

    UPDATE application_event SET note = 'taken_at_office', message = NULL WHERE message = 'taken at the office';

    -- bills: the supplier's bank details on the payment document, bills by e-mail (the PDF is
    -- made when the message is sent), and the monthly mailing, once per user, account and month
    ALTER TABLE rgk ADD COLUMN inn TEXT CHECK (inn IS NULL OR (length(inn) = 10 AND inn NOT GLOB '*[^0-9]*'));
    ALTER TABLE rgk ADD COLUMN kpp TEXT CHECK (kpp IS NULL OR (length(kpp) = 9 AND kpp NOT GLOB '*[^0-9A-Z]*'));
    ALTER TABLE rgk ADD COLUMN bank_account TEXT CHECK (bank_account IS NULL OR (length(bank_account) = 20 AND bank_account NOT GLOB '*[^0-9]*'));
    ALTER TABLE rgk ADD COLUMN bank_name TEXT;
    ALTER TABLE rgk ADD COLUMN bic TEXT CHECK (bic IS NULL OR (length(bic) = 9 AND bic NOT GLOB '*[^0-9]*'));
    ALTER TABLE rgk ADD COLUMN corr_account TEXT CHECK (corr_account IS NULL OR (length(corr_account) = 20 AND corr_account NOT GLOB '*[^0-9]*'));
    \(outbox("outbox_v3", kinds: v3OutboxKinds, statuses: v2OutboxStatuses, bills: true))
    INSERT INTO outbox_v3 (id, channel, recipient, subject, body, secret, rgk_id, kind, entity_type, entity_id, status, attempts,
                           next_attempt_at, claim_token, claimed_at, delivery_pid, last_error, message_id, created_at, sent_at)
        SELECT id, channel, recipient, subject, body, secret, rgk_id, kind, entity_type, entity_id, status, attempts,
               next_attempt_at, claim_token, claimed_at, delivery_pid, last_error, message_id, created_at, sent_at FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v3 RENAME TO outbox;
    CREATE INDEX outbox_queue ON outbox (status, next_attempt_at, id);
    CREATE INDEX outbox_recipient ON outbox (recipient);
    -- where a customer's money is: the newest payments, and those stuck in processing
    CREATE INDEX payment_paid ON payment (paid_on);
    CREATE INDEX act_number ON act (number);
    -- one page per customer: what is open on an account
    CREATE INDEX ticket_account ON ticket (account_id) WHERE account_id IS NOT NULL;
    CREATE INDEX account_phone ON account (phone) WHERE phone IS NOT NULL;
    CREATE INDEX payment_processing ON payment (paid_on) WHERE state = 'processing';
    CREATE TABLE bill_mailing (
        user_id     INTEGER NOT NULL REFERENCES portal_user(id),
        account_id  INTEGER NOT NULL REFERENCES account(id),
        period      TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
        outbox_id   INTEGER NOT NULL,
        queued_at   TEXT NOT NULL,
        PRIMARY KEY (user_id, account_id, period)
    ) STRICT, WITHOUT ROWID;

    UPDATE audit SET reason_code = 'initial_admin', reason = NULL WHERE action = 'operator.add' AND reason = 'init';
    UPDATE audit SET reason_code = 'registered_at_office', reason = NULL
        WHERE action = 'user.create' AND reason = 'registered at the office; consent given in person';
    UPDATE audit SET reason_code = 'confirmed_in_person', reason = NULL WHERE action = 'user.confirm' AND reason = 'in person';
    UPDATE audit SET reason_code = 'confirmed_with_code', reason = NULL WHERE action = 'user.confirm' AND reason = 'with the customer''s code';
    UPDATE audit SET reason_code = 'code_attempt',
        reason_args = json_object('attempt', CAST(substr(reason, 9) AS INTEGER),
                                  'of', CAST(substr(reason, instr(reason, ' of ') + 4) AS INTEGER)), reason = NULL
        WHERE action = 'user.code-wrong' AND reason LIKE 'attempt % of %';
    UPDATE audit SET reason_code = 'answer_attempt',
        reason_args = json_object('attempt', CAST(substr(reason, 9) AS INTEGER),
                                  'of', CAST(substr(reason, instr(reason, ' of ') + 4) AS INTEGER),
                                  'locked', json(CASE WHEN reason LIKE '%link locked' THEN 'true' ELSE 'false' END)), reason = NULL
        WHERE action = 'user.extended-wrong-answer' AND reason LIKE 'attempt % of %';
    UPDATE audit SET reason_code = 'recovery_codes_voided', reason_args = json_object('count', CAST(reason AS INTEGER)), reason = NULL
        WHERE action = 'user.reset-password' AND reason LIKE '% open recovery code(s) voided';
    UPDATE audit SET reason_code = 'code_sent',
        reason_args = json_object('channel', substr(reason, 1, instr(reason, ' to ') - 1), 'to', substr(reason, instr(reason, ' to ') + 4)),
        reason = NULL
        WHERE action = 'user.resend-code' AND (reason LIKE 'sms to %' OR reason LIKE 'email to %');
    UPDATE audit SET reason_code = 'extended_via', reason_args = json_object('via', reason), reason = NULL
        WHERE action = 'user.grant-extended' AND \(oneOf("reason", ExtendedVia.self));
    UPDATE audit SET reason_code = 'delivery_timed_out', reason = NULL WHERE action = 'outbox.in-doubt' AND reason = 'delivery timed out';
    UPDATE audit SET reason_code = 'sender_died', reason = NULL
        WHERE action = 'outbox.in-doubt' AND reason = 'the sending process died mid-delivery';
    UPDATE audit SET reason_code = 'faq_answer', reason_args = json_object('faq', CAST(substr(reason, 5) AS INTEGER)), reason = NULL
        WHERE action = 'ticket.reply' AND reason GLOB 'FAQ [0-9]*';
    UPDATE audit SET reason_code = 'ticket_opened',
        reason_args = json_object('source', substr(reason, 1, instr(reason, ', ') - 1),
                                  'channel', substr(substr(reason, instr(reason, ', ') + 2), 1, instr(substr(reason, instr(reason, ', ') + 2), ', ') - 1),
                                  'topic', substr(substr(reason, instr(reason, ', ') + 2), instr(substr(reason, instr(reason, ', ') + 2), ', ') + 2)),
        reason = NULL
        WHERE action = 'ticket.open' AND reason LIKE '%, %, %';
    UPDATE audit SET reason_code = 'application_created', reason_args = json_object('kind', reason), reason = NULL
        WHERE action = 'application.create' AND \(oneOf("reason", ApplicationKind.self));
    UPDATE audit SET reason_code = 'demo_generated',
        reason_args = json_object('accounts', CAST(new_value AS INTEGER), 'seed', CAST(substr(reason, 6) AS INTEGER),
                                  'date', substr(reason, instr(reason, 'date ') + 5)),
        new_value = CAST(CAST(new_value AS INTEGER) AS TEXT), reason = NULL
        WHERE action = 'demo.generate' AND reason LIKE 'seed %, date %';
    UPDATE audit SET reason_code = 'purged_unconfirmed',
        reason_args = json_object('count', CAST(new_value AS INTEGER), 'before', substr(reason, 19, instr(reason, ', never') - 19)),
        new_value = CAST(CAST(new_value AS INTEGER) AS TEXT), reason = NULL
        WHERE action = 'user.purge-unconfirmed' AND reason LIKE 'registered before %, never confirmed';
    UPDATE audit SET reason_code = 'reading_rule', reason_args = json_object('rule', reason), reason = NULL
        WHERE action = 'reading.reject' AND \(oneOf("reason", ReadingReason.self));
    UPDATE audit SET reason_code = 'reading_rule',
        reason_args = json_object('rule', substr(reason, 1, instr(reason, ': ') - 1)), reason = substr(reason, instr(reason, ': ') + 2)
        WHERE action = 'reading.reject' AND reason_code IS NULL AND instr(reason, ': ') > 0
          AND \(oneOf("substr(reason, 1, instr(reason, ': ') - 1)", ReadingReason.self));
    UPDATE audit SET reason_code = 'reading_by_phone',
        reason_args = json_object('value', CAST(p.rest AS INTEGER), 'date', substr(p.rest, instr(p.rest, ' on ') + 4, 10),
                                  'serial', substr(p.rest, instr(p.rest, ' for meter ') + 11, instr(p.rest, ' of ') - instr(p.rest, ' for meter ') - 11),
                                  'account', substr(p.rest, instr(p.rest, ' of ') + 4)),
        reason = NULL
        FROM (SELECT id, substr(reason, 11) AS rest FROM audit WHERE action = 'reading.submit' AND reason LIKE 'by phone: % on % for meter % of %') AS p
        WHERE audit.id = p.id;
    UPDATE audit SET reason_code = 'pin_issued',
        reason_args = json_object('account', CASE WHEN instr(p.rest, ';') > 0 THEN substr(p.rest, 1, instr(p.rest, ';') - 1) ELSE p.rest END,
                                  'revoked', CASE WHEN instr(p.rest, ' earlier PIN(s) revoked') > 0
                                                  THEN CAST(substr(p.rest, instr(p.rest, '; ') + 2) AS INTEGER) ELSE 0 END,
                                  'sent', json(CASE WHEN p.rest LIKE '%queued to the requester' THEN 'true' ELSE 'false' END)),
        reason = NULL
        FROM (SELECT id, substr(reason, 9) AS rest FROM audit WHERE action = 'pin.issue' AND reason LIKE 'account %') AS p
        WHERE audit.id = p.id;
    UPDATE audit SET reason_code = 'imported',
        reason_args = json_object('file', p.file, 'read', CAST(p.rest AS INTEGER),
                                  'inserted', CASE WHEN p.same THEN 0 ELSE CAST(substr(p.rest, instr(p.rest, 'read, ') + 6) AS INTEGER) END,
                                  'updated', CASE WHEN p.same THEN 0 ELSE CAST(substr(p.rest, instr(p.rest, 'inserted, ') + 10) AS INTEGER) END,
                                  'unchanged', CASE WHEN p.same THEN CAST(p.rest AS INTEGER)
                                                    ELSE CAST(substr(p.rest, instr(p.rest, 'updated, ') + 9) AS INTEGER) END,
                                  'rejected', CASE WHEN p.same THEN 0 ELSE CAST(substr(p.rest, instr(p.rest, 'unchanged, ') + 11) AS INTEGER) END),
        reason = NULL
        FROM (SELECT id, substr(reason, 1, instr(reason, ': ') - 1) AS file, substr(reason, instr(reason, ': ') + 2) AS rest,
                     reason LIKE '%read, all unchanged' AS same
              FROM audit WHERE action LIKE 'import.%' AND (reason LIKE '%: % read, all unchanged' OR reason LIKE '%: % read, % rejected')) AS p
        WHERE audit.id = p.id;
    UPDATE audit SET reason_code = 'erased',
        reason_args = json_object('links', CAST(p.r1 AS INTEGER), 'applications', CAST(p.r2 AS INTEGER),
                                  'tickets', CAST(substr(p.r2, instr(p.r2, ', ') + 2) AS INTEGER),
                                  'pin_requests', CAST(substr(p.r2, instr(p.r2, 'ticket(s), ') + 11) AS INTEGER),
                                  'cancelled', CAST(substr(p.r2, instr(p.r2, 'anonymised; ') + 12) AS INTEGER),
                                  'messages', CAST(substr(p.r2, instr(p.r2, 'cancelled, ') + 11) AS INTEGER),
                                  'audit_rows', CAST(substr(p.r2, instr(p.r2, ' and ') + 5) AS INTEGER)),
        reason = NULL
        FROM (SELECT id, substr(reason, 34) AS r1, substr(reason, instr(reason, 'removed; ') + 9) AS r2
              FROM audit WHERE action = 'user.delete' AND reason LIKE 'personal data erased on request: %') AS p
        WHERE audit.id = p.id;
    """

    static let v4 = """
    -- sign-in through an outside service (manual 000): the portal's identities; a user who
    -- signed in through one stays pending until the link sent to the identity's e-mail is followed
    CREATE TABLE social_identity (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES portal_user(id) ON DELETE CASCADE,
        provider     TEXT NOT NULL CHECK (\(oneOf("provider", IdentityProvider.self))),
        subject      TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
        email        TEXT,
        created_at   TEXT NOT NULL,
        activated_at TEXT,
        UNIQUE (provider, subject)
    ) STRICT;
    CREATE INDEX social_identity_user ON social_identity (user_id);
    CREATE INDEX social_identity_email ON social_identity (email) WHERE email IS NOT NULL;

    -- the single-use activation links: the SHA-256 of the token in the link, never the token
    CREATE TABLE activation_link (
        id          INTEGER PRIMARY KEY,
        identity_id INTEGER NOT NULL REFERENCES social_identity(id) ON DELETE CASCADE,
        token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        used_at     TEXT,
        voided_at   TEXT
    ) STRICT;
    CREATE INDEX activation_link_identity ON activation_link (identity_id);

    -- a bill PIN's keyed digest (the key is outside the database): a re-import knows an unchanged PIN without hashing
    ALTER TABLE pin ADD COLUMN pin_digest TEXT CHECK (pin_digest IS NULL OR (length(pin_digest) = 73 AND substr(pin_digest, 9, 1) = '$'));

    -- logins and contacts the portal stored in another spelling (89115550011): few, and found at once
    CREATE INDEX portal_user_unnormalised ON portal_user (id) WHERE \(SQLDialect(.sqlite).unnormalisedUser);

    -- the queues' sizes, kept by every writer's own writes; the oldest of each found by an index
    CREATE INDEX ticket_reopened ON ticket (created_at) WHERE status = 'answered' AND last_customer_at > coalesce(last_operator_at, '');
    CREATE INDEX outbox_status_created ON outbox (status, created_at);
    \(QueueCounters.schema)
    """
}

extension Schema {
    static let v5 = """
    -- a piece of a name, login, e-mail, address or phone found through trigram indexes (FTS5),
    -- kept by triggers on portal_user and account
    \(SearchIndex.schema)
    """

    /// The debtors found by account rather than by amount: `account list --debtors` only asks
    /// which accounts owe (it sorts by the sum of their debts), and an index by amount took each
    /// imported row to a random page — rewriting most of the index's pages in every part of
    /// `import services` (23 s for 1.3M services; 8 s by account, in the file's order).
    static let v6 = """
    DROP INDEX service_debt;
    CREATE INDEX service_debtor ON service (account_id) WHERE balance_kop < 0;
    """

    /// An account's phone is found through its trigram index (`Accounts.list`): an index by
    /// phone took each imported account to a random page, rewriting most of the index in every
    /// part of `import accounts` (13 s of 14 s for 1M accounts without the trigrams). And the
    /// trigram indexes merge their parts sixteen at a time, not four: each part is merged fewer
    /// times (1M accounts imported in 26 s, 42 s before), a search still reads few of them.
    static let v7 = """
    DROP INDEX account_phone;
    INSERT INTO account_search (account_search, rank) VALUES ('automerge', 16);
    INSERT INTO account_search (account_search, rank) VALUES ('crisismerge', 64);
    INSERT INTO user_search (user_search, rank) VALUES ('automerge', 16);
    INSERT INTO user_search (user_search, rank) VALUES ('crisismerge', 64);
    """

    /// Delivery checks again what queued a message (`Delivery.lapsed`): the portal user it is to
    /// (`user_id`), and why it was cancelled when that no longer held (`cancel_reason`). Messages
    /// still to go get their user where it is known: a bill from the monthly mailing, a message
    /// about a user, a ticket's, an application's, a reading's or a PIN request's user.
    static let v8 = """
    ALTER TABLE outbox ADD COLUMN user_id INTEGER;
    ALTER TABLE outbox ADD COLUMN cancel_reason TEXT CHECK (cancel_reason IS NULL OR \(oneOf("cancel_reason", v8OutboxCancelReasons)));
    UPDATE outbox SET user_id = CASE
            WHEN kind = 'bill' THEN (SELECT m.user_id FROM bill_mailing m WHERE m.outbox_id = outbox.id)
            WHEN entity_type = 'user' THEN entity_id
            WHEN entity_type = 'ticket' THEN (SELECT t.user_id FROM ticket t WHERE t.id = outbox.entity_id)
            WHEN entity_type = 'application' THEN (SELECT a.user_id FROM application a WHERE a.id = outbox.entity_id)
            WHEN entity_type = 'reading' THEN (SELECT r.user_id FROM reading r WHERE r.id = outbox.entity_id)
            WHEN entity_type = 'pin_request' THEN (SELECT p.user_id FROM pin_request p WHERE p.id = outbox.entity_id)
            WHEN entity_type = 'pin' THEN (SELECT p.user_id FROM pin JOIN pin_request p ON p.id = pin.request_id WHERE pin.id = outbox.entity_id)
        END
        WHERE status IN ('waiting', 'sending', 'failed');
    """
}

extension Schema {
    /// The audit trail chained by hash (issue 37, `AuditChain`): each row's place and hash, the
    /// chain's head, and a clerk's reason covered by a salted digest an erasure can leave behind.
    /// No audit row holds a person's data any more: the names, logins and contacts older versions
    /// wrote as the old and new values of a change (and the address a code went to) move to
    /// `user_former_value`, the person's own row that her erasure reads for her traces and removes.
    /// Then the program chains the rows there are (`finish`) and the triggers keep them.
    static let v9 = """
    ALTER TABLE audit ADD COLUMN reason_salt TEXT;
    ALTER TABLE audit ADD COLUMN reason_digest TEXT;
    ALTER TABLE audit ADD COLUMN chain_seq INTEGER;
    ALTER TABLE audit ADD COLUMN chain_hash TEXT;
    CREATE UNIQUE INDEX audit_chain_seq ON audit (chain_seq);
    CREATE TABLE audit_chain (
        only_row    INTEGER PRIMARY KEY CHECK (only_row = 1),
        last_seq    INTEGER NOT NULL CHECK (last_seq >= 0),
        last_hash   TEXT NOT NULL
    ) STRICT;
    INSERT INTO audit_chain (only_row, last_seq, last_hash) VALUES (1, 0, '\(AuditChain.genesis)');

    CREATE TABLE user_former_value (
        user_id     INTEGER NOT NULL REFERENCES portal_user(id) ON DELETE CASCADE,
        field       TEXT NOT NULL CHECK (\(oneOf("field", UserFormerValue.self))),
        value       TEXT NOT NULL,
        replaced_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX user_former_value_user ON user_former_value (user_id);

    \(formerValuesFromAudit(.sqlite))
    """

    /// Operators scoped to RGKs (issue 37): an operator with rows here works only those RGKs'
    /// customers; one without rows works every RGK, as before. A plain table, so that the
    /// PostgreSQL server can read it in its row-level policies.
    static let operatorScopes = """
    CREATE TABLE operator_rgk (
        operator_login  TEXT NOT NULL REFERENCES operator(login) ON DELETE CASCADE ON UPDATE CASCADE,
        rgk_id          INTEGER NOT NULL REFERENCES rgk(id) ON DELETE CASCADE,
        PRIMARY KEY (operator_login, rgk_id)
    ) STRICT;
    CREATE INDEX operator_rgk_rgk ON operator_rgk (rgk_id);
    """

    /// Rows limited to the operator's RGKs by the server (issue 37, item 2): PostgreSQL's row-level
    /// security (`PGRoles.rowSecurity`); a SQLite file has no logins to limit, so nothing changes here
    /// but the version, which both engines share.
    static let rowSecurity = """
    -- PostgreSQL only: row-level security by RGK (PGRowSecurity.swift)
    """

    /// The searches of an operator limited to her RGKs through the trigram indexes (issue 37, item 4):
    /// PostgreSQL's search functions (`PGRoles.searchFunctions`), made by `init`; nothing on SQLite,
    /// whose search indexes know no logins.
    static let searchInScope = """
    -- PostgreSQL only: the search functions of the row policies (PGRowSecurity.swift)
    """

    /// A clerk of some RGKs as fast as an operator of all (issue 37, item 4): the payments stuck in
    /// processing counted per RGK too (`QueueCounters`), so that her `status` reads a few counters
    /// instead of every payment of her RGKs. PostgreSQL also asks its searches for a page
    /// (`PGRoles.searchFunctions`).
    static var scopedClerkSpeed: String { QueueCounters.remade(QueueCounters.processingPaymentsCounter) }

    /// The personal values in audit rows of older versions: to `user_former_value` (where the user
    /// is still there and the value was not erased), then out of the rows.
    static func formerValuesFromAudit(_ engine: SQLDialect.Engine) -> String {
        let field = engine == .sqlite ? "json_extract(a.reason_args, '$.field')" : "CAST(a.reason_args AS jsonb) ->> 'field'"
        let sentTo = engine == .sqlite ? "json_extract(a.reason_args, '$.to')" : "CAST(a.reason_args AS jsonb) ->> 'to'"
        let withoutTo = engine == .sqlite ? "json_remove(reason_args, '$.to')" : "CAST(CAST(reason_args AS jsonb) - 'to' AS text)"
        let personal = """
            (a.action IN ('user.set-login', 'user.repair-login', 'user.repair-email', 'user.repair-phone', 'user.alias')
                OR (a.action = 'user.edit' AND \(field) IN ('full_name', 'email', 'phone')))
            """
        let fieldOf = """
            CASE WHEN a.action = 'user.edit' THEN \(field) WHEN a.action = 'user.repair-email' THEN 'email'
                 WHEN a.action = 'user.repair-phone' THEN 'phone' ELSE 'login' END
            """
        let user = "CAST(a.entity_id AS \(engine == .sqlite ? "INTEGER" : "bigint"))"
        return """
            INSERT INTO user_former_value (user_id, field, value, replaced_at)
                SELECT \(user), \(fieldOf), v.value, a.at
                FROM audit a JOIN (SELECT id, old_value AS value FROM audit UNION ALL SELECT id, new_value AS value FROM audit) AS v ON v.id = a.id
                WHERE a.entity_type = 'user' AND a.action <> 'user.alias' AND \(personal)
                  AND v.value IS NOT NULL AND v.value <> '\(Users.erasedMark)'
                  AND EXISTS (SELECT 1 FROM portal_user u WHERE CAST(u.id AS TEXT) = a.entity_id AND u.status <> 'deleted')
                UNION ALL
                SELECT \(user), 'login', \(sentTo), a.at FROM audit a
                WHERE a.entity_type = 'user' AND a.reason_code = 'code_sent' AND \(sentTo) IS NOT NULL AND \(sentTo) <> '\(Users.erasedMark)'
                  AND EXISTS (SELECT 1 FROM portal_user u WHERE CAST(u.id AS TEXT) = a.entity_id AND u.status <> 'deleted');
            UPDATE audit SET old_value = NULL, new_value = NULL
                WHERE id IN (SELECT a.id FROM audit a WHERE a.entity_type IN ('user', 'link') AND \(personal));
            UPDATE audit SET reason_args = \(withoutTo) WHERE reason_code = 'code_sent';
            """
    }

    /// The production calendar's years an admin imported (`calendar import`, issue 38), which
    /// every clerk's program reads over the years it ships: the decree a year comes from, and
    /// the days that are not what their weekday says (`CalendarFile`).
    static let productionCalendar = """
    CREATE TABLE calendar_year (
        year        INTEGER PRIMARY KEY CHECK (year BETWEEN 2013 AND 2100),
        source      TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL
    ) STRICT;
    CREATE TABLE calendar_day (
        day         TEXT PRIMARY KEY CHECK (date(day) = day),
        year        INTEGER NOT NULL REFERENCES calendar_year(year) ON DELETE CASCADE,
        kind        TEXT NOT NULL CHECK (\(oneOf("kind", DayKind.self))),
        moved_from  TEXT CHECK (moved_from IS NULL OR (date(moved_from) = moved_from AND kind = 'day_off')),
        CHECK (substr(day, 1, 4) = CAST(year AS TEXT))
    ) STRICT;
    CREATE INDEX calendar_day_year ON calendar_day (year);
    """

    /// What a migration asks of the program after its SQL: version 9 chains the rows there are
    /// (and seals their reasons), then makes the triggers that keep the trail insert-only.
    static func finish(_ version: Int, _ db: any Storage) throws {
        switch version {
        case 9:
            try AuditChain.chainUnplaced(db)
            try db.execute(auditGuards)
        default: break
        }
    }

    /// Moves `db` from version `from` to this program's: each migration's SQL, then its finish.
    static func apply(_ db: any Storage, from: Int) throws {
        for version in from..<currentVersion {
            try db.execute(migrations[version])
            try finish(version + 1, db)
        }
    }

    /// Audit rows are never changed or deleted; the one change allowed is an erasure's (a
    /// reason's text and salt removed, its digest kept), and the chain's head only moves on.
    /// Anyone with the file can drop these triggers with sqlite3: the chain notices then.
    static let auditGuards = """
    CREATE TRIGGER audit_insert_only_update BEFORE UPDATE ON audit
    WHEN NOT (NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.operator IS OLD.operator AND NEW.action IS OLD.action
              AND NEW.entity_type IS OLD.entity_type AND NEW.entity_id IS OLD.entity_id AND NEW.old_value IS OLD.old_value
              AND NEW.new_value IS OLD.new_value AND NEW.reason_code IS OLD.reason_code AND NEW.reason_args IS OLD.reason_args
              AND NEW.reason_digest IS OLD.reason_digest AND NEW.chain_seq IS OLD.chain_seq AND NEW.chain_hash IS OLD.chain_hash
              AND NEW.reason IS NULL AND NEW.reason_salt IS NULL)
    BEGIN
        SELECT RAISE(ABORT, '\(auditRefusal)');
    END;
    CREATE TRIGGER audit_insert_only_delete BEFORE DELETE ON audit
    BEGIN
        SELECT RAISE(ABORT, '\(auditRefusal)');
    END;
    CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain
    WHEN NEW.only_row IS NOT OLD.only_row OR NEW.last_seq <= OLD.last_seq
    BEGIN
        SELECT RAISE(ABORT, 'the audit chain''s head only moves on');
    END;
    CREATE TRIGGER audit_chain_kept BEFORE DELETE ON audit_chain
    BEGIN
        SELECT RAISE(ABORT, 'the audit chain''s head only moves on');
    END;
    """

    /// The words both engines' triggers refuse a change of an audit row with.
    static let auditRefusal = "audit rows are insert-only: they are never changed or deleted (an erasure may only take a reason''s text and salt)"
}

extension Schema {
    /// The holder's phone changed at the desk (issue 39 §1): each change with the document seen
    /// (masked), who and when; what an RGK accounts file said against it (`file_phone`, the batch);
    /// whether it was handed back to the RGK (`exported_at`). `state`: `desk` the change in force,
    /// `replaced` by a later desk change, `file` settled in favour of the RGK's file. The date an
    /// import's file speaks for is kept with its batch (`import_batch.as_of`).
    static let deskPhone = """
    CREATE TABLE account_phone_change (
        id              INTEGER PRIMARY KEY,
        account_id      INTEGER NOT NULL REFERENCES account(id),
        old_phone       TEXT,
        new_phone       TEXT NOT NULL,
        document        TEXT NOT NULL CHECK (document <> ''),
        changed_by      TEXT NOT NULL,
        changed_at      TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'desk' CHECK (\(oneOf("state", PhoneChangeState.self))),
        exported_at     TEXT,
        file_phone      TEXT,
        file_batch_id   INTEGER REFERENCES import_batch(id),
        file_seen_at    TEXT,
        settled_by      TEXT,
        settled_at      TEXT
    ) STRICT;
    CREATE INDEX account_phone_change_account ON account_phone_change (account_id, id);
    CREATE INDEX account_phone_change_export ON account_phone_change (exported_at, changed_at, id);
    ALTER TABLE import_batch ADD COLUMN as_of TEXT;
    """

    /// The notices customers switched on (issue 39 §3). The outbox's `kind` CHECK is frozen in an
    /// older database, so the table is rebuilt to accept the notices' kinds (SQLite's 12-step
    /// ALTER: a new table, the rows copied, the old dropped, the new renamed, its indexes and
    /// queue-count triggers made again). `notice_sent` is each notice's once: a (kind, user, key)
    /// is queued once however often, or however interrupted, a run is (`INSERT … ON CONFLICT DO
    /// NOTHING`): a debt's key is `period:account id`, a verification's `meter id:date`, a news
    /// item's the SHA-256 of its subject, text and RGK.
    static var notices: String {
        let columns = """
            id, channel, recipient, subject, body, secret, rgk_id, kind, entity_type, entity_id, status, attempts, next_attempt_at,
            claim_token, claimed_at, delivery_pid, last_error, message_id, created_at, sent_at, bill_period, user_id, cancel_reason
            """
        return """
        \(outbox("outbox_rebuilt", kinds: v14OutboxKinds, statuses: v2OutboxStatuses, bills: true, users: true,
                 cancelReasons: v8OutboxCancelReasons))
        INSERT INTO outbox_rebuilt (\(columns)) SELECT \(columns) FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_rebuilt RENAME TO outbox;
        CREATE INDEX outbox_queue ON outbox (status, next_attempt_at, id);
        CREATE INDEX outbox_recipient ON outbox (recipient);
        CREATE INDEX outbox_status_created ON outbox (status, created_at);
        \(QueueCounters.triggers(on: "outbox"))
        CREATE TABLE notice_sent (
            kind        TEXT NOT NULL CHECK (\(oneOf("kind", NoticeKind.self))),
            user_id     INTEGER NOT NULL REFERENCES portal_user(id),
            key         TEXT NOT NULL CHECK (key <> ''),
            outbox_id   INTEGER,
            queued_at   TEXT NOT NULL,
            PRIMARY KEY (kind, user_id, key)
        ) STRICT, WITHOUT ROWID;
        """
    }
}

extension Schema {
    /// The reasons delivery cancels a message for at version 18: `notice_off`, a notice (debts,
    /// verification, news) whose user switched it off before it went (`Delivery.lapsed`).
    static let v18OutboxCancelReasons = v8OutboxCancelReasons + ["notice_off"]

    /// Version 18 (issue 39): the outbox's `cancel_reason` CHECK takes `notice_off` — SQLite
    /// cannot change a CHECK in place, so the table is rebuilt as `notices` rebuilt it (a new
    /// table, the rows copied, the old dropped, the new renamed, its indexes and queue-count
    /// triggers made again); and the users' search index holds the username (`SearchIndex.usernameSearch`:
    /// made again and refilled), so that `user list --search` finds a piece anywhere in one
    /// through the index, as it finds a piece of a login or name.
    static var noticeOffAndUsernameSearch: String {
        let columns = """
            id, channel, recipient, subject, body, secret, rgk_id, kind, entity_type, entity_id, status, attempts, next_attempt_at,
            claim_token, claimed_at, delivery_pid, last_error, message_id, created_at, sent_at, bill_period, user_id, cancel_reason
            """
        return """
        \(outbox("outbox_rebuilt", kinds: v14OutboxKinds, statuses: v2OutboxStatuses, bills: true, users: true,
                 cancelReasons: v18OutboxCancelReasons))
        INSERT INTO outbox_rebuilt (\(columns)) SELECT \(columns) FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_rebuilt RENAME TO outbox;
        CREATE INDEX outbox_queue ON outbox (status, next_attempt_at, id);
        CREATE INDEX outbox_recipient ON outbox (recipient);
        CREATE INDEX outbox_status_created ON outbox (status, created_at);
        \(QueueCounters.triggers(on: "outbox"))
        \(SearchIndex.usernameSearch)
        """
    }
}

extension Schema {
    /// The kinds of RGK file version 1 knew (`import_batch.kind`); `abonent` adds its three.
    static let v1ImportKinds = ["rgk", "offices", "accounts", "services", "meters", "readings", "settlements", "payments", "contracts",
                                "acts", "pins"]
    /// The kinds `abonent` (version 13) knows, frozen in its CHECK.
    static let v13ImportKinds = v1ImportKinds + ["benefits", "consumption", "equipment"]

    /// `import_batch` with the kinds a version knows (SQLite cannot change a CHECK in place: the
    /// table is made again under its name, its rows put back, the rows that name a batch finding
    /// it again — the foreign keys checked at COMMIT, not while the table is away).
    static func importBatch(kinds: [String]) -> String {
        """
        CREATE TABLE import_batch (
            id              INTEGER PRIMARY KEY,
            kind            TEXT NOT NULL CHECK (\(oneOf("kind", kinds))),
            rgk_id          INTEGER REFERENCES rgk(id),
            file_name       TEXT NOT NULL,
            file_sha256     TEXT NOT NULL,
            file_size       INTEGER NOT NULL,
            encoding        TEXT NOT NULL CHECK (\(oneOf("encoding", FileEncoding.self))),
            delimiter       TEXT NOT NULL,
            operator        TEXT NOT NULL,
            pid             INTEGER,
            host            TEXT,
            status          TEXT NOT NULL CHECK (\(oneOf("status", ImportStatus.self))),
            started_at      TEXT NOT NULL,
            finished_at     TEXT,
            rows_read       INTEGER NOT NULL DEFAULT 0,
            rows_done       INTEGER NOT NULL DEFAULT 0,
            inserted        INTEGER NOT NULL DEFAULT 0,
            updated         INTEGER NOT NULL DEFAULT 0,
            unchanged       INTEGER NOT NULL DEFAULT 0,
            rejected        INTEGER NOT NULL DEFAULT 0,
            error           TEXT,
            as_of           TEXT
        ) STRICT;
        CREATE INDEX import_batch_rgk ON import_batch (rgk_id, started_at);
        CREATE INDEX import_batch_status ON import_batch (status, started_at);
        CREATE INDEX import_batch_file ON import_batch (file_sha256, kind);
        """
    }

    /// The «Абонент» section of the portal (issue 39 §2, manual 001 §4.3.3): an account's
    /// benefits (льготы), consumption modes (режимы потребления) and gas-using equipment
    /// (газоиспользующее оборудование), each from an RGK file of its kind by its natural key;
    /// `import_batch` made again to know the three kinds. The bank cards a customer linked in the
    /// portal (§4, manual 001 §4.7.3) as the portal keeps them: the number masked to its first 6
    /// and last 4 digits, the expiry month, the bank, the payment service's token (never shown).
    /// The username, the portal's sign-in name beside the phone (manual 003), unique ignoring case
    /// (Cyrillic too) by its folded key (`username_key`: lower case, ё as е — `Database.fold`, the
    /// schema's `mygaz_fold`), which every writer of a username writes beside it.
    static let abonent = """
    PRAGMA defer_foreign_keys = ON;
    CREATE TEMP TABLE import_batch_kept AS SELECT * FROM import_batch;
    DROP TABLE import_batch;
    \(importBatch(kinds: v13ImportKinds))
    INSERT INTO import_batch SELECT * FROM temp.import_batch_kept;
    DROP TABLE temp.import_batch_kept;

    CREATE TABLE account_benefit (
        id          INTEGER PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES account(id),
        benefit     TEXT NOT NULL CHECK (benefit <> ''),
        percent     INTEGER CHECK (percent BETWEEN 0 AND 100),
        basis       TEXT,
        valid_from  TEXT CHECK (valid_from IS NULL OR date(valid_from) = valid_from),
        valid_until TEXT CHECK (valid_until IS NULL OR date(valid_until) = valid_until),
        updated_at  TEXT NOT NULL,
        UNIQUE (account_id, benefit)
    ) STRICT;
    CREATE TABLE account_consumption (
        id          INTEGER PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES account(id),
        mode        TEXT NOT NULL CHECK (mode <> ''),
        norm_m3     REAL CHECK (norm_m3 >= 0),
        unit        TEXT,
        valid_from  TEXT CHECK (valid_from IS NULL OR date(valid_from) = valid_from),
        updated_at  TEXT NOT NULL,
        UNIQUE (account_id, mode)
    ) STRICT;
    CREATE TABLE account_equipment (
        id          INTEGER PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES account(id),
        kind        TEXT NOT NULL CHECK (\(oneOf("kind", ApplianceKind.self))),
        serial      TEXT NOT NULL CHECK (serial <> ''),
        model       TEXT,
        installed_on TEXT CHECK (installed_on IS NULL OR date(installed_on) = installed_on),
        updated_at  TEXT NOT NULL,
        UNIQUE (account_id, kind, serial)
    ) STRICT;
    CREATE TABLE user_card (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES portal_user(id),
        first6      TEXT NOT NULL CHECK (length(first6) = 6 AND first6 NOT GLOB '*[^0-9]*'),
        last4       TEXT NOT NULL CHECK (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*'),
        expiry      TEXT NOT NULL CHECK (expiry GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
        bank        TEXT,
        token       TEXT NOT NULL UNIQUE CHECK (token <> ''),
        linked_at   TEXT NOT NULL
    ) STRICT;
    CREATE INDEX user_card_user ON user_card (user_id);
    ALTER TABLE portal_user ADD COLUMN username TEXT CHECK (username IS NULL OR length(username) BETWEEN 1 AND 45);
    ALTER TABLE portal_user ADD COLUMN username_key TEXT CHECK ((username_key IS NULL) = (username IS NULL));
    CREATE UNIQUE INDEX portal_user_username ON portal_user (username_key) WHERE username_key IS NOT NULL;
    """
}

extension Schema {
    /// Version 19 (issue 38): what the deadlines need of tickets and RGKs. `ticket.personal_data`:
    /// a data subject's request (152-FZ, 10 working days; shown as the topic `personal_data`, the
    /// topic's own CHECK untouched); `extended_at`/`extend_reason`: its one extension;
    /// `ticket_message.asks`: an operator's message that asks the customer something, the ticket
    /// waiting on the answer (its clock stopped); `rgk.time_zone`: the RGK's zone, in which its
    /// items' days are counted; `application_event_waited`: the applications that ever waited on
    /// the customer (whose pauses move their dates), which `status` reads apart; `application_due`:
    /// each RGK's queue by kind and submission, which its deadline windows read without the rows.
    static let ticketDeadlines = """
    ALTER TABLE ticket ADD COLUMN personal_data INTEGER NOT NULL DEFAULT 0 CHECK (personal_data IN (0, 1));
    ALTER TABLE ticket ADD COLUMN extended_at TEXT;
    ALTER TABLE ticket ADD COLUMN extend_reason TEXT;
    ALTER TABLE ticket_message ADD COLUMN asks INTEGER NOT NULL DEFAULT 0 CHECK (asks IN (0, 1));
    ALTER TABLE rgk ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Moscow' CHECK (length(time_zone) BETWEEN 1 AND 64);
    CREATE INDEX application_event_waited ON application_event (application_id, id) WHERE to_status = 'needs_info';
    CREATE INDEX application_due ON application (status, rgk_id, kind, submitted_at, id);
    """
}

extension Schema {
    /// Version 20 (issues 37 and 38): `due_count`, the pending readings and the applications in
    /// work counted per RGK and hour registered by triggers (`QueueCounters`), so that `status`
    /// says how many are due by a day from a few hundred rows, not by reading the queue.
    static var dueCounts: String { QueueCounters.dueSchema(version: 20) }

    /// Version 21 (issue 38): the tickets no operator has written to, counted in `due_count` per
    /// RGK (0: the support channel), personal-data flag and hour registered.
    static var unansweredTicketCounts: String { QueueCounters.dueSchema(version: 21) }

    /// Version 22 (issue 37, `status` at 5M accounts): the links of the users not yet confirmed
    /// counted (`queue_count`), so that a clerk of some RGKs has the unconfirmed users counted
    /// without a look at each while none is linked (the portal links accounts after the
    /// confirmation); the new tickets an operator touched indexed apart (`ticket_new_touched`),
    /// the few of the new ones `due_count` does not count; the applications by state counted per
    /// RGK (before it, all under RGK 0); and `application.waited`.
    static var statusAtScale: String {
        unconfirmedLinks + ticketNewTouched + QueueCounters.remade(QueueCounters.applicationsByStatus) + applicationWaited + """
            CREATE TRIGGER application_waited AFTER INSERT ON application_event WHEN NEW.to_status = 'needs_info'
            BEGIN
                UPDATE application SET waited = 1 WHERE id = NEW.application_id AND waited = 0;
            END;

            """
    }

    /// `application.waited`: the application ever waited on the customer (a step into needs_info),
    /// set by a trigger on its steps (`application_waited`), with those in work indexed apart: the few
    /// whose pauses move their dates, which `status` reads one by one, found without the steps of
    /// every application there ever was. Set from the steps there are.
    static let applicationWaited = """
        ALTER TABLE application ADD COLUMN waited INTEGER NOT NULL DEFAULT 0 CHECK (waited = 0 OR waited = 1);
        UPDATE application SET waited = 1 WHERE id IN (SELECT application_id FROM application_event WHERE to_status = 'needs_info');
        CREATE INDEX application_waited_in_work ON application (id) WHERE waited = 1 AND (status = 'submitted' OR status = 'accepted');

        """

    static var ticketNewTouched: String {
        // as version 22 made it (version 23 drops it)
        "CREATE INDEX IF NOT EXISTS ticket_new_touched ON ticket (created_at, id) WHERE status = 'new' AND (last_operator_at IS NOT NULL OR extended_at IS NOT NULL);\n"
    }

    static var unconfirmedLinks: String {
        QueueCounters.remade(QueueCounters.unconfirmedLinks) + """
            DROP TRIGGER IF EXISTS links_unconfirmed_user_status;
            DROP TRIGGER IF EXISTS links_unconfirmed_user_delete;
            \(QueueCounters.unconfirmedLinksFollowTheirUser)
            """
    }
}

extension Schema {
    /// Version 23 (issue 37, `status` at 5M accounts): each ticket's deadline clock on its row
    /// (`TicketClock`: `clock_state`, `clock_from`), kept by triggers on its messages and set from
    /// the messages there are; the ticket counter of `due_count` counts every waiting ticket whose
    /// clock simply runs, by the hour it started (a reopened one's too, which `status` read with
    /// its messages one by one); the rest indexed apart per branch of the queue.
    static var ticketClocks: String {
        """
        ALTER TABLE ticket ADD COLUMN clock_state INTEGER NOT NULL DEFAULT 0 CHECK (clock_state = 0 OR clock_state = 1 OR clock_state = 2);
        ALTER TABLE ticket ADD COLUMN clock_from TEXT;
        \(TicketClock.recompute())
        DROP INDEX IF EXISTS ticket_new_touched;
        \(ticketUncounted)
        \(QueueCounters.remade(QueueCounters.unansweredTicketsDue, at: 23))
        \(TicketClock.sqliteTriggers)
        """
    }

    /// The waiting tickets `due_count` does not count, one index a branch of the queue
    /// (`Tickets.waitingUncounted`); and those it counts, in the order their clocks started, as
    /// version 23 made them (version 24, `ticketRunningByKind`, makes them again by kind).
    static var ticketUncounted: String {
        let uncounted = zip(["ticket_new_uncounted", "ticket_reopened_uncounted"], Tickets.waitingUncounted("X")).map { name, condition in
            "CREATE INDEX IF NOT EXISTS \(name) ON ticket (created_at, id) WHERE \(condition.replacingOccurrences(of: "X.", with: ""));\n"
        }
        return (uncounted + runningIndexes(byKind: false)).joined()
    }

    /// The waiting tickets whose clock simply runs, one index a branch of the queue, in the order
    /// their clocks started; `byKind`: personal-data requests and the rest apart (`ticket list --sort
    /// due` reads the first of each kind and zone: with the kind after the order, the requests'
    /// stream read past every other ticket of the queue to find none, 10 ms at 5M accounts).
    private static func runningIndexes(byKind: Bool) -> [String] {
        zip(["ticket_new_running", "ticket_reopened_running"], Tickets.waiting("X")).map { name, condition in
            let condition = (condition + " AND " + Tickets.running).replacingOccurrences(of: "X.", with: "")
            let started = Tickets.clockStarted("X").replacingOccurrences(of: "X.", with: "")
            return "CREATE INDEX IF NOT EXISTS \(name) ON ticket (\(byKind ? "personal_data, " : "")(\(started)), id) WHERE \(condition);\n"
        }
    }

    /// Version 24: the running tickets' indexes made again with the kind first; may be run again.
    static var ticketRunningByKind: String {
        "DROP INDEX IF EXISTS ticket_new_running;\nDROP INDEX IF EXISTS ticket_reopened_running;\n" + runningIndexes(byKind: true).joined()
    }

    /// Version 25 is PostgreSQL's alone: the accounts' searched values kept folded there
    /// (`PGSchema.searchText`); SQLite's FTS5 needs no such column, and its file moves on unchanged.
    static let accountSearchText = "-- version 25: nothing to change in an SQLite file (PGSchema.searchText)\n"

    /// Version 26 is PostgreSQL's alone: the operator's scope asked of the server's functions
    /// (`PGRoles.deskChecks`); an SQLite file moves on unchanged.
    static let scopeOfServerFunctions = "-- version 26: nothing to change in an SQLite file (PGRoles.deskChecks)\n"

    /// Version 27: `due_count` keeps each queue's whole per RGK (`QueueCounters.wholeQueue`), so
    /// that `status` reads the hours since a moment, not every hour: its counters' triggers made
    /// again, their rows counted anew.
    static var dueCountWholeQueues: String { QueueCounters.dueCounts.map { QueueCounters.remade($0, at: 27) }.joined(separator: "\n") }

    /// Version 28: a data subject's correction of her data (152-FZ art. 21 p. 2) and withdrawal of
    /// consent (art. 21 p. 5), each with its own period (`PersonalDataRequest`):
    /// `ticket.personal_data_kind` beside `personal_data` (whose CHECK an SQLite file cannot
    /// loosen); the running tickets counted per kind, their counter made again.
    static var ticketPersonalDataKinds: String {
        """
        ALTER TABLE ticket ADD COLUMN personal_data_kind TEXT CHECK (\(personalDataKindCheck));
        \(QueueCounters.remade(QueueCounters.unansweredTicketsDue, at: 28))
        """
    }

    /// Version 30: the setting table's CHECK made again with every key of this version (the periods
    /// of a correction and a withdrawal of consent among them): SQLite keeps a CHECK as the table was
    /// made, so a new table, the rows copied, the old dropped, the new renamed; may be run again. A
    /// key added later is a migration of its own.
    static var settingKeys: String {
        """
        CREATE TABLE setting_rebuilt (
            key         TEXT PRIMARY KEY CHECK (\(oneOf("key", SettingKey.self))),
            value       TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            updated_by  TEXT NOT NULL
        ) STRICT;
        INSERT INTO setting_rebuilt (key, value, updated_at, updated_by) SELECT key, value, updated_at, updated_by FROM setting;
        DROP TABLE setting;
        ALTER TABLE setting_rebuilt RENAME TO setting;
        """
    }

    /// Version 29: the month's decisions of `report deadlines` found by partial indexes
    /// (`DeadlineReport.decisionIndexes`); may be run again.
    static var decisionIndexes: String { DeadlineReport.decisionIndexes }

    /// The kinds the law has (NULL: the request about one's data, or no request). A kind is read
    /// only where `personal_data` is 1: a writer that clears `personal_data` alone (the portal may)
    /// leaves an appeal, not a refused write.
    static var personalDataKindCheck: String {
        "personal_data_kind IS NULL OR " + oneOf("personal_data_kind", PersonalDataRequest.allCases.compactMap(\.stored))
    }
}
