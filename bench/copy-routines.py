#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Which copy routine suits a copying transmit, measured, not assumed:
bench-floor with the writer copying each frame in with libc's memcpy
(--copy), with `rep movsb` (--copy-movsb) and with non-temporal stores
(--copy-nt), against the same run building the frame in place, for a
receiver that reads the first word (--headers) or every byte.

The variants run interleaved, in a new order each repetition, and each
ratio is taken against libc's memcpy of the same repetition (this machine's
placement noise is 2-5x between runs); the median of the per-repetition
ratios is printed, with its range.

  bench/copy-routines.py --floor build/bench/bench-floor --reps 15
"""
import argparse
import json
import random
import statistics
import subprocess
import sys

VARIANTS = {"in place": [], "memcpy": ["--copy"],
            "rep movsb": ["--copy-movsb"], "streaming": ["--copy-nt"]}
BASE = "memcpy"


def run(floor, size, slot, read, extra, seconds):
    argv = [floor, "--size", str(size), "--slot-size", str(slot),
            "--seconds", str(seconds)] + extra
    if read == "headers":
        argv.append("--headers")
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=seconds + 30)
    if r.returncode:
        sys.exit("bench-floor failed: %s" % r.stderr.strip())
    return json.loads(r.stdout)["mpps"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--floor", required=True, help="bench-floor binary")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--seconds", type=float, default=1)
    ap.add_argument("--sizes", default="1500,9000")
    a = ap.parse_args()
    print("| size | receiver reads | routine | Mpps median | ratio to memcpy "
          "(median, min-max) |")
    print("|---:|---|---|---:|---|")
    for size in (int(s) for s in a.sizes.split(",")):
        slot = 2048 if size <= 2048 else 9216
        for read in ("headers", "full"):
            res = {k: [] for k in VARIANTS}
            for _ in range(a.reps):
                order = list(VARIANTS)
                random.shuffle(order)
                for k in order:
                    res[k].append(run(a.floor, size, slot, read, VARIANTS[k],
                                      a.seconds))
            for k in VARIANTS:
                rs = [x / y for x, y in zip(res[k], res[BASE]) if y]
                print("| %d | %s | %s | %.2f | %.2fx (%.2f-%.2f) |"
                      % (size, "first word" if read == "headers" else
                         "every byte", k, statistics.median(res[k]),
                         statistics.median(rs), min(rs), max(rs)))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
