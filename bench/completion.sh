#!/usr/bin/env bash
# Shell completion's live path (issue: shell completion). Target: every `__complete SOURCE
# [PREFIX]` <= 20 ms as a whole process on a demo --accounts 100000 database, <= 200 lines.
# Also times a whole bash Tab press (the script's function, which calls __complete).
# Exits 1 if a limit is missed (LIMIT_MS and LIMIT_LINES override them).
# usage: bench/completion.sh [ACCOUNTS]   (default 100000)
source "$(dirname "$0")/lib.sh"
ACCOUNTS="${1:-100000}"
LIMIT_MS="${LIMIT_MS:-20}"
LIMIT_LINES="${LIMIT_LINES:-200}"
build_release
DB="$(demo_db "$ACCOUNTS")"
echo "# database: $DB ($(du -h "$DB" | cut -f1))"
for source in rgk operator pending-reading reading open-application application open-ticket ticket pin-request faq user office outbox account; do
  lines="$("$BIN" --db "$DB" __complete "$source" | wc -l)"
  timed "__complete $source ($lines values)" "$LIMIT_MS" 20 -- "$BIN" --db "$DB" __complete "$source"
  within "__complete $source" "$lines" "$LIMIT_LINES" lines
done
# a prefix that matches little makes the scans longest
timed "__complete account 7001" "$LIMIT_MS" 20 -- "$BIN" --db "$DB" __complete account 7001
timed "__complete user +7999" "$LIMIT_MS" 20 -- "$BIN" --db "$DB" __complete user +7999
timed "__complete pending-reading 9" "$LIMIT_MS" 20 -- "$BIN" --db "$DB" __complete pending-reading 9
timed "__complete reading 9" "$LIMIT_MS" 20 -- "$BIN" --db "$DB" __complete reading 9
timed "__complete rgk (no database)" "$LIMIT_MS" 20 -- "$BIN" --db "$OUT/none.db" __complete rgk
# a whole Tab press in bash: the script's walker plus one __complete
cat > "$OUT/tab.sh" <<SH
. "$ROOT/completions/mygaz-admin.bash"
COMP_WORDS=(mygaz-admin --db "$DB" reading accept ""); COMP_CWORD=5
PATH="$(dirname "$BIN"):\$PATH" _mygaz_admin
SH
timeit "bash Tab: reading accept <TAB>" 20 -- bash --norc "$OUT/tab.sh"
finish
