#!/usr/bin/env bash
# What one database file carries (issue: capacity of one file). Demo regions of 1M and 5M
# accounts: the file's size, then each command a clerk runs all day as a whole process.
# A queue command must not grow worse than logarithmically: the last column is its time at
# the largest size over its time at the smallest (1.0 = flat; 5x the data for linear growth).
# Limits (docs/scaling.md), at every size: each command's median at most 50 ms as a whole
# process (LIMIT_MS) — at the largest size this is the bound on its growth, the ratio being
# too noisy a figure of a few milliseconds to hold anything to; the two that docs/scaling.md
# names linear — `user list --rgk` without a status, a two-letter search — at most 3 s
# (LIMIT_LINEAR_MS); a manager's report (`report`) at most 0.5 s (LIMIT_REPORT_MS); each command answers with its exit status. Exits 1 if a limit is missed.
# usage: bench/capacity.sh [ACCOUNTS...]   (default 1000000 5000000; 5M takes ~18 GB and a while)
source "$(dirname "$0")/lib.sh"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 5000000)
RUNS="${RUNS:-7}"
LIMIT_MS="${LIMIT_MS:-50}"
LIMIT_LINEAR_MS="${LIMIT_LINEAR_MS:-3000}"
LIMIT_REPORT_MS="${LIMIT_REPORT_MS:-500}"
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
    elif [ "$growth" = report ]; then within "$label ($n accounts, a report)" "$ms" "$LIMIT_REPORT_MS"
    else within "$label ($n accounts)" "$ms" "$LIMIT_MS"; fi
  done < <(grep -v '^#' "$ROOT/bench/clerk_commands.txt" | sed -e "s/\\\$rgk/$rgk/g" -e "s/\\\$number/$number/g" -e "s/\\\$prefix/${number:0:5}/g")
done
finish
