#!/usr/bin/env bash
# kill -9 at random moments (issue: proof under load, faults and bad input): 10 trials each of
# an import of 200 000 accounts, `reading accept --all-valid` on a 300 000-account demo (several
# write batches), and `outbox send` of 200 messages through a recording sendmail. Every trial:
# db check passes, the rerun gives a clean run's content, no message goes out twice. Exits 1
# if any check fails. The full disk, the file size limit and the read-only cases have no script:
# FileSystemFaultsTests in `swift test` makes each of them (docs/reliability.md).
# usage: bench/faults.sh [TRIALS]   (default 10)
source "$(dirname "$0")/lib.sh"
TRIALS="${1:-10}"
build_release
python3 "$ROOT/bench/faults.py" "$BIN" "$OUT/faults" --trials "$TRIALS" --rows 200000 --accounts 300000 --messages 200
rm -rf "$OUT/faults"
