#!/usr/bin/env bash
# What one database file carries (issue: capacity of one file). Demo regions of 1M and 5M
# accounts: the file's size, then each command a clerk runs all day as a whole process.
# A queue command must not grow worse than logarithmically: the last column is its time at
# the largest size over its time at the smallest (1.0 = flat; 5x the data for linear growth).
# usage: bench/capacity.sh [ACCOUNTS...]   (default 1000000 5000000; 5M takes ~18 GB and a while)
source "$(dirname "$0")/lib.sh"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 5000000)
RUNS="${RUNS:-7}"
build_release
declare -A first
for n in "${SIZES[@]}"; do
  DB="$(demo_db "$n")"
  sync
  number="$(sqlite3 "$DB" "SELECT number FROM account WHERE id = (SELECT max(id) / 2 FROM account)")"
  rgk="$(sqlite3 "$DB" "SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '$number'")"
  echo "# $n accounts: $(du -h "$DB" | cut -f1) file, $(sqlite3 "$DB" "SELECT count(*) FROM reading") readings," \
       "$(sqlite3 "$DB" "SELECT count(*) FROM reading WHERE status = 'pending'") pending," \
       "$(sqlite3 "$DB" "SELECT count(*) FROM application") applications, $(sqlite3 "$DB" "SELECT count(*) FROM portal_user") users"
  while IFS='|' read -r label args; do
    # shellcheck disable=SC2086
    line="$(timeit "$label" "$RUNS" -- "$BIN" --db "$DB" $args)"
    ms="$(echo "$line" | sed -E 's/.*median +([0-9.]+) ms.*/\1/')"
    if [ -z "${first[$label]:-}" ]; then first[$label]="$ms"; ratio="1.00"
    else ratio="$(python3 -c "print(f'{$ms / ${first[$label]}:.2f}')")"; fi
    echo "$line  x$ratio"
  done <<COMMANDS
status|status
reading list --limit 50|reading list --limit 50
reading list --rgk --limit 50|reading list --rgk $rgk --limit 50
reading list --status accepted|reading list --status accepted --limit 50
reading list --rgk --status accepted|reading list --rgk $rgk --status accepted --limit 50
reading list --account|reading list --account $number --rgk $rgk
reading list --violations|reading list --violations --limit 50
application list|application list
application list --status needs_info|application list --status needs_info
ticket list|ticket list
ticket list --status all|ticket list --status all
pin requests|pin requests
pin requests --rgk --status all|pin requests --rgk $rgk --status all
pin list|pin list
outbox list|outbox list
account show|account show $number --rgk $rgk
payment list --account|payment list --account $number --rgk $rgk
payment list --state processing|payment list --state processing
user show (a login in another spelling)|user show 89115550011
user show (no such login)|user show 89990001122
db repair-logins --dry-run|db repair-logins --dry-run
user list|user list
user list --rgk|user list --rgk $rgk
user list --rgk --status active|user list --rgk $rgk --status active
user list --search a surname|user list --search Смирнова --limit 20
user list --search a piece of an e-mail|user list --search ova.a@ma --limit 20
user list --search, no match|user list --search zzqx --limit 20
user list --search two letters (reads the users)|user list --search ёж --limit 20
account list --search a surname|account list --search Смирнова --limit 20
account list --search a street|account list --search Ленина --limit 20
account list --search, no match|account list --search zzqx --limit 20
user show (by login)|user show 1
__complete account|__complete account ${number:0:5}
__complete reading|__complete reading
__complete application 12|__complete application 12
__complete ticket 9|__complete ticket 9
COMMANDS
done
