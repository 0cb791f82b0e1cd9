#!/usr/bin/env bash
# What one database file carries (issue: capacity of one file). Demo regions of 1M and 5M
# accounts: the file's size, then each command a clerk runs all day as a whole process.
# A queue command must not grow worse than logarithmically: the last column is its time at
# the largest size over its time at the smallest (1.0 = flat; 5x the data for linear growth).
# Limits (docs/scaling.md), at every size: each command's median at most 50 ms as a whole
# process (LIMIT_MS) — at the largest size this is the bound on its growth, the ratio being
# too noisy a figure of a few milliseconds to hold anything to; the two that docs/scaling.md
# names linear — `user list --rgk` without a status, a two-letter search — at most 3 s
# (LIMIT_LINEAR_MS); each command answers with its exit status. Exits 1 if a limit is missed.
# usage: bench/capacity.sh [ACCOUNTS...]   (default 1000000 5000000; 5M takes ~18 GB and a while)
source "$(dirname "$0")/lib.sh"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 5000000)
RUNS="${RUNS:-7}"
LIMIT_MS="${LIMIT_MS:-50}"
LIMIT_LINEAR_MS="${LIMIT_LINEAR_MS:-3000}"
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
  # each line: how it may grow (log, or linear as docs/scaling.md says), with :STATUS when it
  # answers with another exit status than 0; a label; the arguments
  while IFS='|' read -r kind label args; do
    growth="${kind%%:*}" want=0
    [ "$kind" = "$growth" ] || want="${kind#*:}"
    # shellcheck disable=SC2086
    line="$(timeit "$label" "$RUNS" -- "$BIN" --db "$DB" $args)"
    ms="$(median_ms "$line")"
    if [ -z "${first[$label]:-}" ]; then first[$label]="$ms"; ratio="1.00"
    else ratio="$(python3 -c "print(f'{$ms / ${first[$label]}:.2f}')")"; fi
    echo "$line  x$ratio"
    if [ "$(exit_of "$line")" != "$want" ]; then echo "FAILED: $label exited $(exit_of "$line"), not $want"; MISSED=$((MISSED + 1)); fi
    if [ "$growth" = linear ]; then within "$label ($n accounts, linear)" "$ms" "$LIMIT_LINEAR_MS"
    else within "$label ($n accounts)" "$ms" "$LIMIT_MS"; fi
  done <<COMMANDS
log|status|status
log|reading list --limit 50|reading list --limit 50
log|reading list --rgk --limit 50|reading list --rgk $rgk --limit 50
log|reading list --status accepted|reading list --status accepted --limit 50
log|reading list --rgk --status accepted|reading list --rgk $rgk --status accepted --limit 50
log|reading list --account|reading list --account $number --rgk $rgk
log|reading list --violations|reading list --violations --limit 50
log|application list|application list
log|application list --status needs_info|application list --status needs_info
log|ticket list|ticket list
log|ticket list --status all|ticket list --status all
log|pin requests|pin requests
log|pin requests --rgk --status all|pin requests --rgk $rgk --status all
log|pin list|pin list
log|outbox list|outbox list
log|account show|account show $number --rgk $rgk
log|payment list --account|payment list --account $number --rgk $rgk
log|payment list --state processing|payment list --state processing
log|user show (a login in another spelling)|user show 89115550011
log:3|user show (no such login)|user show 89990001122
log|db repair-logins --dry-run|db repair-logins --dry-run
log|user list|user list
linear|user list --rgk|user list --rgk $rgk
log|user list --rgk --status active|user list --rgk $rgk --status active
log|user list --search a surname|user list --search Смирнова --limit 20
log|user list --search a piece of an e-mail|user list --search ova.a@ma --limit 20
log|user list --search, no match|user list --search zzqx --limit 20
linear|user list --search two letters (reads the users)|user list --search ёж --limit 20
log|account list --search a surname|account list --search Смирнова --limit 20
log|account list --search a street|account list --search Ленина --limit 20
log|account list --search, no match|account list --search zzqx --limit 20
log|user show (by login)|user show 1
log|__complete account|__complete account ${number:0:5}
log|__complete reading|__complete reading
log|__complete application 12|__complete application 12
log|__complete ticket 9|__complete ticket 9
COMMANDS
done
finish
