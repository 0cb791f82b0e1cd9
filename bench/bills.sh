#!/usr/bin/env bash
# Bills (issue: bills as PDF with a payment QR code). One bill as a whole process beside
# `account show` of the same account (the same reads, text out); `bill send` queueing N
# accounts' bills beside the engine's own cost of the same rows (one INSERT … SELECT into
# outbox and bill_mailing in sqlite3); and delivery, where each PDF is made, through a
# sendmail that only reads the message, per bill and extrapolated to N.
# Exits 1 if a limit is missed: one bill <= 50 ms (LIMIT_BILL_MS), bill send <= 2 min (LIMIT_SEND_MS).
# usage: bench/bills.sh [ACCOUNTS]   (default 100000: every one linked to a user with e-mail bills on)
source "$(dirname "$0")/lib.sh"
N="${1:-100000}"
RUNS="${RUNS:-9}"
LIMIT_BILL_MS="${LIMIT_BILL_MS:-50}"
LIMIT_SEND_MS="${LIMIT_SEND_MS:-120000}"
build_release
BASE="$(demo_db "$N")"
DB="$(fresh_copy "$BASE" bills)"
period="$(sqlite3 "$DB" "SELECT max(period) FROM settlement")"
bill_users "$DB"
number="$(sqlite3 "$DB" "SELECT number FROM account WHERE id = (SELECT max(id) / 2 FROM account)")"
rgk="$(sqlite3 "$DB" "SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '$number'")"
accounts="$(sqlite3 "$DB" "SELECT count(*) FROM user_account WHERE access_level = 'extended'")"
echo "# $N accounts, $accounts linked with e-mail bills on, period $period"

echo "## one bill (target ≤ 50 ms)"
timeit "baseline: account show (same reads)" "$RUNS" -- "$BIN" --db "$DB" account show "$number" --rgk "$rgk"
timed "account bill (PDF to stdout)" "$LIMIT_BILL_MS" "$RUNS" -- "$BIN" --db "$DB" account bill "$number" --rgk "$rgk"
"$BIN" --db "$DB" account bill "$number" --rgk "$rgk" > "$OUT/bill.pdf"
echo "# one bill: $(stat -c %s "$OUT/bill.pdf") bytes"

echo "## bill send for $accounts accounts (target ≤ 2 min)"
ENGINE="$(fresh_copy "$DB" bills-engine)"
start=$(date +%s.%N)
sqlite3 "$ENGINE" <<SQL
BEGIN;
INSERT INTO outbox (channel, recipient, subject, body, rgk_id, kind, entity_type, entity_id, status, attempts, next_attempt_at, created_at, bill_period)
  SELECT 'email', u.email, 'Квитанция по лицевому счету ' || a.number, 'Во вложении — квитанция', a.rgk_id, 'bill', 'account', a.id, 'waiting', 0,
         '2026-11-20T00:00:00Z', '2026-11-20T00:00:00Z', '$period'
  FROM portal_user u JOIN user_account l ON l.user_id = u.id JOIN account a ON a.id = l.account_id WHERE u.email_bills = 1;
INSERT INTO bill_mailing (user_id, account_id, period, outbox_id, queued_at)
  SELECT u.id, o.entity_id, '$period', o.id, '2026-11-20T00:00:00Z'
  FROM outbox o JOIN user_account l ON l.account_id = o.entity_id JOIN portal_user u ON u.id = l.user_id AND u.email = o.recipient WHERE o.kind = 'bill';
COMMIT;
SQL
echo "baseline: sqlite3 INSERT … SELECT of the same rows   $(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')") s"
timed "bill send --period $period --yes" "$LIMIT_SEND_MS" 1 -- "$BIN" --db "$DB" bill send --period "$period" --yes
timeit "bill send again (nothing to queue)" 1 -- "$BIN" --db "$DB" bill send --period "$period" --yes
echo "# queued: $(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE kind = 'bill'")"

echo "## delivery: each bill's PDF made and handed to sendmail"
SENDMAIL="$OUT/sendmail-null"
printf '#!/bin/sh\ncat > /dev/null\n' > "$SENDMAIL"
chmod +x "$SENDMAIL"
DELIVER=1000
# baseline: as many plain messages (no PDF) through the same delivery, measured first
PLAIN="$(fresh_copy "$DB" bills-plain)"
sqlite3 "$PLAIN" "UPDATE outbox SET status = 'cancelled' WHERE status = 'waiting';
  INSERT INTO outbox (channel, recipient, subject, body, rgk_id, kind, status, attempts, next_attempt_at, created_at)
  SELECT 'email', 'plain' || value || '@example.org', 'Тема', 'Текст', 1, 'other', 'waiting', 0, '2026-11-20T00:00:00Z', '2026-11-20T00:00:00Z'
  FROM generate_series(1, $DELIVER);"
start=$(date +%s.%N)
"$BIN" --db "$PLAIN" outbox send --sendmail "$SENDMAIL" --limit "$DELIVER" > /dev/null
plain="$(python3 -c "print($(date +%s.%N) - $start)")"
python3 -c "print(f'baseline: outbox send of $DELIVER plain messages: {$plain:.2f} s, {$plain * 1000 / $DELIVER:.1f} ms a message')"
start=$(date +%s.%N)
"$BIN" --db "$DB" outbox send --sendmail "$SENDMAIL" --limit "$DELIVER" > /dev/null
elapsed="$(python3 -c "print($(date +%s.%N) - $start)")"
python3 -c "print(f'outbox send of $DELIVER bills: {$elapsed:.2f} s, {$elapsed * 1000 / $DELIVER:.1f} ms a bill (x{$elapsed / $plain:.2f} of plain); $accounts would take {$elapsed * $accounts / $DELIVER / 60:.1f} min')"
finish
