/// The audit chain on PostgreSQL (SQLite's version 9, `Schema.v9`; `AuditChain` states the
/// form): the same columns and tables, and the server doing what SQLite leaves to its one writer.
///
/// Many clerks write at once here, in READ COMMITTED, and identity values are not commit order;
/// so a row gets its place when its transaction commits: a `BEFORE INSERT` trigger marks it as
/// this transaction's (`chain_hash` = `pending <xid>`, no place), and a constraint trigger
/// deferred to the commit places all the transaction's rows in id order — after taking the row
/// lock of the chain's head, which the commit then releases. Writers wait on each other only
/// for that: from their first deferred trigger to the end of their commit (docs/reliability.md).
/// Rows written with the triggers off (a superuser's `session_replication_role = replica`) are
/// never placed by anyone else's commit: `db check` names them.
///
/// Insert-only: `UPDATE`, `DELETE` and `TRUNCATE` of audit rows are refused for every role but
/// two shapes of update — the chain's own placing (from its trigger only) and an erasure's (a
/// reason's text and salt removed, nothing else); the head moves only on, and only from the
/// chain's trigger.
extension PGSchema {
    /// The columns, the head and `user_former_value`, and the hash in SQL (the same as
    /// `AuditChain.hash`: `-` for NULL, else the UTF-8 byte length, `:`, the text).
    static let auditChainTables = #"""
        ALTER TABLE audit ADD COLUMN reason_salt text;
        ALTER TABLE audit ADD COLUMN reason_digest text;
        ALTER TABLE audit ADD COLUMN chain_seq bigint;
        ALTER TABLE audit ADD COLUMN chain_hash text;
        CREATE UNIQUE INDEX audit_chain_seq ON audit (chain_seq);
        CREATE TABLE audit_chain (
            only_row    bigint PRIMARY KEY CHECK (only_row = 1),
            last_seq    bigint NOT NULL CHECK (last_seq >= 0),
            last_hash   text NOT NULL
        );
        INSERT INTO audit_chain (only_row, last_seq, last_hash) VALUES (1, 0, repeat('0', 64));

        CREATE TABLE user_former_value (
            user_id     bigint NOT NULL REFERENCES portal_user(id) ON DELETE CASCADE,
            field       text NOT NULL CHECK (\#(oneOf("field", UserFormerValue.self))),
            value       text NOT NULL,
            replaced_at text NOT NULL
        );
        CREATE INDEX user_former_value_user ON user_former_value (user_id);

        -- STABLE, as convert_to is: so that the server inlines them (an IMMUTABLE one calling convert_to
        -- is called as a function each time, 90 µs a row instead of 3)
        CREATE FUNCTION mygaz_audit_field(text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN $1 IS NULL THEN '-' ELSE octet_length(convert_to($1, 'UTF8'))::text || ':' || $1 END
        $$;

        -- the previous hash, then place, id, at, operator, action, entity_type, entity_id, old_value,
        -- new_value, reason_code, reason_args, reason_digest
        CREATE FUNCTION mygaz_audit_hash(text, bigint, bigint, text, text, text, text, text, text, text, text, text, text)
        RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT encode(sha256(convert_to($1 || mygaz_audit_field($2::text) || mygaz_audit_field($3::text) || mygaz_audit_field($4)
                || mygaz_audit_field($5) || mygaz_audit_field($6) || mygaz_audit_field($7) || mygaz_audit_field($8)
                || mygaz_audit_field($9) || mygaz_audit_field($10) || mygaz_audit_field($11) || mygaz_audit_field($12)
                || mygaz_audit_field($13), 'UTF8')), 'hex')
        $$;

        """#

    /// The triggers: a new row marked as its transaction's, placed at the commit; the rest refused.
    static let auditChainTriggers = #"""
        CREATE FUNCTION mygaz_audit_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- no writer chooses a place or a hash: the commit gives them
            NEW.chain_seq := NULL;
            NEW.chain_hash := 'pending ' || pg_current_xact_id()::text;
            RETURN NEW;
        END
        $$;

        -- as the schema's owner: the head is no operator's to write (PGRoles)
        CREATE FUNCTION mygaz_audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            stamp text := 'pending ' || pg_current_xact_id()::text;
            place bigint;
            previous text;
            ids bigint[] := '{}';
            places bigint[] := '{}';
            hashes text[] := '{}';
            r record;
        BEGIN
            -- the transaction's first row to come here placed them all
            PERFORM 1 FROM audit WHERE id = NEW.id AND chain_seq IS NULL;
            IF NOT FOUND THEN
                RETURN NULL;
            END IF;
            -- one committer at a time: the head's row lock, held to the end of the commit
            SELECT last_seq, last_hash INTO place, previous FROM audit_chain WHERE only_row = 1 FOR UPDATE;
            IF NOT FOUND THEN
                SELECT chain_seq, chain_hash INTO place, previous FROM audit WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
                INSERT INTO audit_chain (only_row, last_seq, last_hash) VALUES (1, coalesce(place, 0), coalesce(previous, repeat('0', 64)))
                    ON CONFLICT (only_row) DO NOTHING;
                SELECT last_seq, last_hash INTO place, previous FROM audit_chain WHERE only_row = 1 FOR UPDATE;
            END IF;
            FOR r IN SELECT id, at, operator, action, entity_type, entity_id, old_value, new_value, reason_code, reason_args, reason_digest
                     FROM audit WHERE chain_seq IS NULL AND chain_hash = stamp ORDER BY id LOOP
                place := place + 1;
                previous := mygaz_audit_hash(previous, place, r.id, r.at, r.operator, r.action, r.entity_type, r.entity_id,
                                             r.old_value, r.new_value, r.reason_code, r.reason_args, r.reason_digest);
                ids := array_append(ids, r.id);
                places := array_append(places, place);
                hashes := array_append(hashes, previous);
            END LOOP;
            -- one statement for all (a bulk decision's thousands of rows)
            IF cardinality(ids) > 0 THEN
                UPDATE audit a SET chain_seq = p.place, chain_hash = p.hash
                    FROM unnest(ids, places, hashes) AS p(id, place, hash) WHERE a.id = p.id;
                UPDATE audit_chain SET last_seq = place, last_hash = previous WHERE only_row = 1;
            END IF;
            RETURN NULL;
        END
        $$;

        CREATE FUNCTION mygaz_audit_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF (NEW.id, NEW.at, NEW.operator, NEW.action, NEW.entity_type, NEW.entity_id, NEW.old_value, NEW.new_value,
                    NEW.reason_code, NEW.reason_args, NEW.reason_digest)
                   IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.operator, OLD.action, OLD.entity_type, OLD.entity_id, OLD.old_value,
                                         OLD.new_value, OLD.reason_code, OLD.reason_args, OLD.reason_digest) THEN
                    -- an erasure: a reason's text and salt taken, its digest and the chain kept
                    IF NEW.reason IS NULL AND NEW.reason_salt IS NULL
                       AND NEW.chain_seq IS NOT DISTINCT FROM OLD.chain_seq AND NEW.chain_hash IS NOT DISTINCT FROM OLD.chain_hash THEN
                        RETURN NEW;
                    END IF;
                    -- the chain placing a row of the committing transaction, from its own trigger
                    IF pg_trigger_depth() > 1 AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
                       AND NEW.reason IS NOT DISTINCT FROM OLD.reason AND NEW.reason_salt IS NOT DISTINCT FROM OLD.reason_salt THEN
                        RETURN NEW;
                    END IF;
                END IF;
                RAISE EXCEPTION 'UPDATE of audit row % refused: audit rows are insert-only (an erasure may only take a reason''s text and salt)', OLD.id;
            ELSIF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'DELETE of audit row % refused: audit rows are insert-only', OLD.id;
            END IF;
            RAISE EXCEPTION '% of audit refused: audit rows are insert-only', TG_OP;
        END
        $$;

        CREATE FUNCTION mygaz_audit_chain_forward() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF pg_trigger_depth() > 1 AND NEW.only_row = OLD.only_row AND NEW.last_seq > OLD.last_seq THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '% of the audit chain''s head refused: it only moves on, as rows are placed', TG_OP;
        END
        $$;

        CREATE TRIGGER audit_chain_stamp BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION mygaz_audit_stamp();
        CREATE CONSTRAINT TRIGGER audit_chain_commit AFTER INSERT ON audit DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION mygaz_audit_chain();
        CREATE TRIGGER audit_insert_only_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION mygaz_audit_insert_only();
        CREATE TRIGGER audit_insert_only_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION mygaz_audit_insert_only();
        CREATE TRIGGER audit_insert_only_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION mygaz_audit_insert_only();
        CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain FOR EACH ROW EXECUTE FUNCTION mygaz_audit_chain_forward();
        CREATE TRIGGER audit_chain_kept BEFORE DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION mygaz_audit_chain_forward();
        CREATE TRIGGER audit_chain_kept_truncate BEFORE TRUNCATE ON audit_chain FOR EACH STATEMENT EXECUTE FUNCTION mygaz_audit_chain_forward();

        """#

    /// A database of version 8 brought to 9 (in the caller's transaction): the columns and
    /// tables, the personal values out of the audit rows (`Schema.formerValuesFromAudit`), the
    /// reasons sealed (a salt of a random UUID's 122 bits), every row chained in id order, then
    /// the triggers.
    static var upgradeTo9: String {
        auditChainTables + Schema.formerValuesFromAudit(.postgresql) + #"""

        UPDATE audit SET reason_salt = replace(CAST(gen_random_uuid() AS text), '-', '') WHERE reason IS NOT NULL;
        UPDATE audit SET reason_digest = encode(sha256(convert_to(reason_salt || reason, 'UTF8')), 'hex') WHERE reason IS NOT NULL;
        DO $$
        DECLARE
            place bigint := 0;
            previous text := repeat('0', 64);
            ids bigint[] := '{}';
            hashes text[] := '{}';
            r record;
        BEGIN
            FOR r IN SELECT id, at, operator, action, entity_type, entity_id, old_value, new_value, reason_code, reason_args, reason_digest
                     FROM audit ORDER BY id LOOP
                place := place + 1;
                previous := mygaz_audit_hash(previous, place, r.id, r.at, r.operator, r.action, r.entity_type, r.entity_id,
                                             r.old_value, r.new_value, r.reason_code, r.reason_args, r.reason_digest);
                ids := array_append(ids, r.id);
                hashes := array_append(hashes, previous);
            END LOOP;
            UPDATE audit a SET chain_seq = p.place, chain_hash = p.hash
                FROM unnest(ids, hashes) WITH ORDINALITY AS p(id, hash, place) WHERE a.id = p.id;
            UPDATE audit_chain SET last_seq = place, last_hash = previous WHERE only_row = 1;
        END
        $$;

        """# + auditChainTriggers + "UPDATE schema_version SET version = 9;\n"
    }

    /// The script that brings a database of `version` to this program's, or nil when there is none:
    /// each step from `version` on, in order.
    public static func upgrade(from version: Int) -> String? {
        let steps: [Int: String] = [8: upgradeTo9, 9: upgradeToProductionCalendar, 10: upgradeToDeskPhone, 11: upgradeToOperatorScopes, 12: upgradeToAbonent, 13: upgradeToNotices, 14: upgradeToRowSecurity, 15: upgradeToSearchInScope,
                                      16: upgradeToScopedClerkSpeed, 17: upgradeToNoticeOffAndUsernameSearch,
                                      18: upgradeToTicketDeadlines, 19: upgradeToDueCounts, 20: upgradeToUnansweredTicketCounts,
                                      21: upgradeToStatusAtScale, 22: upgradeToTicketClocks, 23: upgradeToTicketRunningByKind,
                                      24: upgradeToAccountSearchText, 25: upgradeToScopeOfServerFunctions, 26: upgradeToDueCountWholeQueues,
                                      27: upgradeToTicketPersonalDataKinds, 28: upgradeToDecisionIndexes, 29: upgradeToSettingKeys]
        guard steps[version] != nil else { return nil }
        return (version..<self.version).map { steps[$0]! }.joined(separator: "\n")
    }
}
