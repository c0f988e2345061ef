# SPDX-License-Identifier: MIT
"""The benchmark behind bench/run-bench.py, by concern:

  common    constants, the settings main() fixes, logging, processes
  host      the tools it runs (build, taskset, perf, gnuplot), host facts
  peers     memif-perf and testpmd as the two ends of a pair
  perfstat  perf stat: cycles per packet, syscalls per round trip
  runs      one run of each kind (a pair, the floor, a ping-pong)
  runner    the comparison groups, run interleaved
  report    medians, ratios, goals and the tables of RESULTS.md
  plot      throughput.png (gnuplot)
  main      the command line and RESULTS.md

testpmd itself is started through test/testpmd.py, shared with the
interop and conformance tests: its directory goes on sys.path here, from
this file's own location.
"""

import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test"))
