/// Operators scoped to RGKs on PostgreSQL: the same table as SQLite's `Schema.operatorScopes`,
/// which the server's row-level policies can read (issue 37, item 2).
extension PGSchema {
    static let operatorScopes = """
        CREATE TABLE operator_rgk (
            operator_login  text NOT NULL REFERENCES operator(login) ON DELETE CASCADE ON UPDATE CASCADE,
            rgk_id          bigint NOT NULL REFERENCES rgk(id) ON DELETE CASCADE,
            PRIMARY KEY (operator_login, rgk_id)
        );
        CREATE INDEX operator_rgk_rgk ON operator_rgk (rgk_id);

        """

    /// From version 11: the scope table.
    static var upgradeToOperatorScopes: String {
        operatorScopes + "UPDATE schema_version SET version = 12;\n"
    }
}

/// The notices customers switched on (issue 39 §3): `Schema.notices` on PostgreSQL. The create
/// script's outbox takes every kind already; an older database's CHECK is made again.
extension PGSchema {
    static var notices: String {
        #"""
        CREATE TABLE notice_sent (
            kind        text NOT NULL CHECK (\#(oneOf("kind", NoticeKind.self))),
            user_id     bigint NOT NULL REFERENCES portal_user(id),
            key         text NOT NULL CHECK (key <> ''),
            outbox_id   bigint,
            queued_at   text NOT NULL,
            PRIMARY KEY (kind, user_id, key)
        );

        """#
    }

    /// From version 13: the outbox's kinds, and the notices' table.
    static var upgradeToNotices: String {
        """
        ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (\(oneOf("kind", OutboxKind.self)));
        \(notices)UPDATE schema_version SET version = 14;

        """
    }
}
