#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Interleaved A/B of two memif-perf builds: throughput at 64 B in both
directions (polling and interrupt receivers) and the interrupt round trip.

This machine's noise is 2-5x between runs, so figures of two builds are
only compared within one run, in pairs that alternate their order
(A B, B A, ...), and the verdict is the median of the per-pair ratios B/A.

  bench/ab.py --a /tmp/base/b/bench/memif-perf --b b-gcc/bench/memif-perf
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CASES = {
    # name: (master args, slave args, metric)
    "s2m-64-polling": (["rx"], ["tx"], "mpps"),
    "m2s-64-polling": (["tx"], ["rx"], "mpps"),
    "s2m-64-interrupt": (["--interrupt", "rx"], ["tx"], "mpps"),
    "m2s-64-interrupt": (["tx"], ["--interrupt", "rx"], "mpps"),
    # The mean, not p50: on a VM the round trip is bimodal (a reply that
    # comes while the receiver is still awake, or a sleep and a wake-up
    # tens of us long), and p50 jumps between the two modes.
    "ping-interrupt": (["--interrupt", "echo"], ["--interrupt", "ping"],
                       "mean"),
}
# Large frames, polling: 1,500 B in one buffer, 9,000 B chained over
# 2,048 B buffers; the receiver reads the headers, or every byte (full).
for _size in (1500, 9000):
    for _fill in ("headers", "full"):
        _f = ["--size", str(_size), "--fill", _fill]
        CASES["s2m-%d-%s" % (_size, _fill)] = (_f + ["rx"], _f + ["tx"],
                                               "mpps")
        CASES["m2s-%d-%s" % (_size, _fill)] = (_f + ["tx"], _f + ["rx"],
                                               "mpps")
DEFAULT_CASES = ["s2m-64-polling", "m2s-64-polling", "s2m-64-interrupt",
                 "m2s-64-interrupt", "ping-interrupt"]


def run_pair(exe, case, seconds, tag, rt=False):
    margs, sargs, metric = CASES[case]
    # SCHED_RR: the two ends take both vCPUs from whatever else runs (the
    # kernel still leaves others 5 %); round robin, not FIFO, so that a
    # busy-polling thread does not starve its own event loop.
    pre = ["chrt", "-r", "10"] if rt else []
    sock = "@memif-ab-%d-%s" % (os.getpid(), tag)
    common = ["--socket", sock, "--json", "--quiet"]
    master = subprocess.Popen(
        pre + [exe, "--master", "--cpu", "0", "--duration", str(seconds + 2)] +
        common + margs, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    slave = subprocess.run(
        pre + [exe, "--slave", "--cpu", "1", "--duration", str(seconds)] + common +
        sargs, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        timeout=seconds + 30)
    mout, _ = master.communicate(timeout=seconds + 30)
    res = {"master": json.loads(mout or b"{}"),
           "slave": json.loads(slave.stdout or b"{}")}
    if metric == "mean":
        return res["slave"]["latency_ns"]["mean"] or None
    rx = res["master"] if "rx" in margs else res["slave"]
    return rx["rx"]["mpps"] or None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--a", required=True, help="memif-perf of build A (base)")
    ap.add_argument("--b", required=True, help="memif-perf of build B (new)")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--cases", default=",".join(DEFAULT_CASES),
                    help="comma-separated, of: " + ", ".join(CASES))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rt", action="store_true",
                    help="run both ends SCHED_RR (root): other load on the "
                         "machine no longer counts, the host's placement "
                         "still does")
    args = ap.parse_args()
    cases = args.cases.split(",")
    out = {c: {"a": [], "b": [], "ratio": []} for c in cases}
    for rep in range(args.pairs):
        for c in cases:
            order = ("a", "b") if rep % 2 == 0 else ("b", "a")
            got = {}
            for k in order:
                got[k] = run_pair(getattr(args, k), c, args.seconds,
                                  "%s-%d-%s" % (c, rep, k), args.rt)
            out[c]["a"].append(got["a"])
            out[c]["b"].append(got["b"])
            if got["a"] and got["b"]:
                out[c]["ratio"].append(got["b"] / got["a"])
            print("pair %d %-18s A %10s  B %10s" % (rep, c, got["a"],
                                                     got["b"]),
                  file=sys.stderr)
    print("%-18s %12s %12s %10s  (%s)" % ("case", "A median", "B median",
                                          "B/A", "median of pair ratios"))
    for c in cases:
        d = out[c]
        med = {k: statistics.median([x for x in d[k] if x] or [0])
               for k in ("a", "b")}
        r = statistics.median(d["ratio"]) if d["ratio"] else float("nan")
        unit = "ns mean" if CASES[c][2] == "mean" else "Mpps"
        print("%-18s %12.2f %12.2f %9.3fx  %s" % (c, med["a"], med["b"], r,
                                                   unit))
        d["median_ratio"] = r
    if args.json:
        json.dump(out, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
