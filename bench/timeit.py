#!/usr/bin/env python3
"""Times a whole command, as a user runs it: wall time over repeats and peak RSS.

usage: timeit.py LABEL REPEAT -- COMMAND ARGS...
Prints one line: LABEL, min and median milliseconds, peak RSS in MiB, exit status.
"""
import resource, subprocess, sys, time


def main():
    label, repeat = sys.argv[1], int(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    times, status = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        status = proc.returncode
        if status != 0:
            sys.stderr.write(proc.stderr.decode(errors="replace"))
    # the largest resident set of any child this script waited for
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    times.sort()
    median = times[len(times) // 2]
    print(f"{label:<46} min {times[0] * 1000:9.1f} ms  median {median * 1000:9.1f} ms  peak RSS {peak:6.1f} MiB  exit {status}")


main()
