#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
run-bench.py: memif-native against DPDK's net_memif, one command.

    bench/run-bench.py            # full run, about 25 minutes
    bench/run-bench.py --quick    # smoke run, one pair, short runs

Builds memif-perf, bench-floor and bench-pingpong into a release build
directory (default build-bench/), then measures, all INTERLEAVED:

  throughput, headers only (what testpmd txonly/rxonly touch):
    DPDK -> DPDK          testpmd txonly -> testpmd rxonly over memif
    ours copy / in-place  memif-perf tx -> memif-perf rx
    ours -> DPDK          memif-perf tx -> testpmd rxonly
    DPDK -> ours          testpmd txonly -> memif-perf rx
  throughput, whole payload written by the sender and read by the receiver:
    floor                 bench-floor: one core writes, the other reads
    ours copy / in-place  memif-perf --fill full
  latency:
    eventfd ping-pong     bench-pingpong (epoll_wait, two processes)
    memif-perf ping       interrupt mode and polling mode

for both directions (slave->master and master->slave) and 64, 1500 and 9000
byte frames.  The master/server side always runs on the first cpu and the
slave/client on the second, each process pinned (taskset and its own
pinning).  The configurations of one comparison group run back to back,
repetition after repetition (A B C A B C ...; every other repetition in
reverse order so neither side always goes first), and each ratio in the
table is the MEDIAN OF THE PER-REPETITION RATIOS: this machine's two vCPUs
are moved by the host between placements that differ 2-5x in cross-core
latency, so absolute figures alone mean little.

Writes bench/RESULTS.md (table, host, date, command) and bench/throughput.png
(gnuplot).  Python 3 standard library only.  See bench/README.md.
"""

# The benchmark lives in bench/runbench/ (one module per concern: see its
# __init__.py); this script is its entry point, run from anywhere.
import sys

from runbench.main import main

if __name__ == "__main__":
    sys.exit(main())
