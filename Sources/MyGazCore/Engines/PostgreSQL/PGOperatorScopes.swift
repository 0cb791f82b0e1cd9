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
