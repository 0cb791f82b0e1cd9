#!/usr/bin/env bash
# Shell completion's live path (issue: shell completion). Target: every `__complete SOURCE
# [PREFIX]` <= 20 ms as a whole process on a demo --accounts 100000 database, <= 200 lines.
# Also times a whole bash Tab press (the script's function, which calls __complete).
# usage: bench/completion.sh [ACCOUNTS]   (default 100000)
source "$(dirname "$0")/lib.sh"
ACCOUNTS="${1:-100000}"
build_release
DB="$(demo_db "$ACCOUNTS")"
echo "# database: $DB ($(du -h "$DB" | cut -f1))"
for source in rgk operator pending-reading reading open-application application open-ticket ticket pin-request faq user office outbox account; do
  lines="$("$BIN" --db "$DB" __complete "$source" | wc -l)"
  timeit "__complete $source ($lines values)" 20 -- "$BIN" --db "$DB" __complete "$source"
done
# a prefix that matches little makes the scans longest
timeit "__complete account 7001" 20 -- "$BIN" --db "$DB" __complete account 7001
timeit "__complete user +7999" 20 -- "$BIN" --db "$DB" __complete user +7999
timeit "__complete pending-reading 9" 20 -- "$BIN" --db "$DB" __complete pending-reading 9
timeit "__complete reading 9" 20 -- "$BIN" --db "$DB" __complete reading 9
timeit "__complete rgk (no database)" 20 -- "$BIN" --db "$OUT/none.db" __complete rgk
# a whole Tab press in bash: the script's walker plus one __complete
cat > "$OUT/tab.sh" <<SH
. "$ROOT/completions/mygaz-admin.bash"
COMP_WORDS=(mygaz-admin --db "$DB" reading accept ""); COMP_CWORD=5
PATH="$(dirname "$BIN"):\$PATH" _mygaz_admin
SH
timeit "bash Tab: reading accept <TAB>" 20 -- bash --norc "$OUT/tab.sh"
