# SPDX-License-Identifier: MIT
"""bench/run-bench.py's command line and the run: build, check the
tools, the interleaved groups, the syscall counts, then RESULTS.md."""

import argparse
import datetime
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import types

from . import HERE, ROOT
from .common import SIZES, S, RunError, kill_all, log
from .host import (Tools, build, cpu_seconds, git_rev, loadavg,
                   reserve_hugepages, restore_hugepages)
from .perfstat import perf_stat_works, syscalls_per_rt
from .results import write_results
from .runner import make_groups, run_all


def parse_args():
    """The options, with the defaults --quick changes filled in."""
    ap = argparse.ArgumentParser(
        description="memif-native vs DPDK net_memif benchmark (interleaved "
        "pairs, median of per-pair ratios); writes bench/RESULTS.md and "
        "bench/throughput.png")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 1 repetition, 1 s runs, no chained "
                    "rows, full-payload only at 1500 B (1-2 minutes)")
    ap.add_argument("--reps", type=int, help="repetitions (pairs) per "
                    "comparison (default 4, --quick 1)")
    ap.add_argument("--seconds", type=float, help="measured seconds per run "
                    "(default 3, --quick 1)")
    ap.add_argument("--warmup", type=float, default=None,
                    help="seconds before measuring (default 0.5, quick 0.25)")
    ap.add_argument("--ping-count", type=int, help="round trips per latency "
                    "run (default 50000, --quick 5000)")
    ap.add_argument("--sizes", default=None,
                    help="comma-separated frame sizes (default 64,1500,9000)")
    ap.add_argument("--only", help="regex: run only the groups whose name "
                    "matches (hdr-64-s2m, full-1500-m2s, latency, ...)")
    ap.add_argument("--no-chains", action="store_true",
                    help="skip the chained-buffer rows at 9000 B")
    ap.add_argument("--no-hugepages", action="store_true",
                    help="skip the rows on 2 MiB pages (DPDK's zero-copy "
                    "client, ours with --hugepages); otherwise the run "
                    "raises vm.nr_hugepages as far as it needs and puts "
                    "it back at the end")
    ap.add_argument("--no-syscalls", action="store_true",
                    help="skip the syscall count (perf stat on syscall "
                    "tracepoints)")
    ap.add_argument("--cpus", default="0,1",
                    help="master/server cpu, slave/client cpu (default 0,1)")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--out-dir", default=HERE,
                    help="where RESULTS.md and throughput.png go")
    ap.add_argument("--mp-extra", default="",
                    help=argparse.SUPPRESS)  # experiments: memif-perf args
    ap.add_argument("--perf-events", help=argparse.SUPPRESS)  # testing:
    # count these (e.g. task-clock) even where hardware counters do not work
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every command")
    a = ap.parse_args()
    q = a.quick
    a.reps = a.reps or (1 if q else 4)
    a.seconds = a.seconds or (1.0 if q else 3.0)
    a.warmup = a.warmup if a.warmup is not None else (0.25 if q else 0.5)
    a.ping_count = a.ping_count or (5000 if q else 50000)
    a.sizes = tuple(int(x) for x in a.sizes.split(",")) if a.sizes else SIZES
    # --quick: the full-payload comparison at 1500 B only, no chains
    a.full_sizes = (1500,) if q else a.sizes
    if q:
        a.no_chains = True
    a.cpu_pair = tuple(int(x) for x in a.cpus.split(","))
    if len(a.cpu_pair) != 2:
        ap.error("--cpus wants two cpus")
    return a


def setup(a):
    """The settings every part reads, the build, the tools; exits if one
    is missing.  Return: (tools, temporary directory, what perf stat
    can count)."""
    S.mp_extra = a.mp_extra.split()
    S.verbose = a.verbose
    S.cpus = a.cpu_pair
    signal.signal(signal.SIGTERM, lambda s, f: (kill_all(), sys.exit(1)))
    if not a.no_build:
        build(a)
    t = Tools(a)
    for exe in (t.mp, t.floor, t.pingpong):
        if not os.access(exe, os.X_OK):
            sys.exit("missing %s (build it, or drop --no-build)" % exe)
    if not t.testpmd:
        sys.exit("dpdk-testpmd not found (Debian: apt-get install dpdk)")
    avail = sorted(os.sched_getaffinity(0))
    if any(c not in avail for c in S.cpus):
        sys.exit("cpus %s not all available (have %s)" % (S.cpus, avail))
    tmp = tempfile.mkdtemp(prefix="memif-bench-")
    os.makedirs(a.out_dir, exist_ok=True)
    pstat_ok, pstat_msg = perf_stat_works(t)
    S.perf_events = a.perf_events or ("cycles,instructions" if pstat_ok
                                      else None)
    return t, tmp, pstat_msg


def sc_counts(a):
    """The two round-trip counts the syscall count differences."""
    return (1000, 3000) if a.quick else (2000, 10000)


def count_syscalls(a, t, tmp):
    """Syscalls per round trip of each latency pair, unless --no-syscalls
    or --only leaves out the latency group.  Return: ({kind: counts},
    [failures])."""
    sc, sc_err = {}, []
    if a.no_syscalls or (a.only and not re.search(a.only, "latency")):
        return sc, sc_err
    n1, n2 = sc_counts(a)
    for kind in ("eventfd", "interrupt", "edge", "polling"):
        try:
            log("perf stat: syscalls per round trip, %s" % kind)
            sc[kind] = syscalls_per_rt(t, a, tmp, kind, n1, n2)
        except (RunError, OSError, ValueError,
                subprocess.SubprocessError) as e:
            log("syscall count %s failed: %s" % (kind, e))
            sc_err.append("%s: %s" % (kind, e))
        finally:
            kill_all()
    return sc, sc_err


# 2 MiB pages the hugepage rows need at once: DPDK's zero-copy client takes
# 1 GiB; our slave at ring 2^14 and 9000 B about 850 MB (region and pool).
HUGEPAGES = 600


def hugepages(a):
    """S.hugepages: whether the hugepage rows run.  Return: the
    vm.nr_hugepages value to put back at the end, or None."""
    if a.no_hugepages:
        S.hugepages_msg = "not used (--no-hugepages)"
        return None
    ok, S.hugepages_msg, restore = reserve_hugepages(HUGEPAGES)
    S.hugepages = ok
    log("hugepages: %s" % S.hugepages_msg)
    return restore


def main():
    a = parse_args()
    cmdline = "bench/run-bench.py " + " ".join(shlex.quote(x)
                                                for x in sys.argv[1:])
    t, tmp, pstat_msg = setup(a)
    restore = hugepages(a)
    try:
        run(a, t, tmp, pstat_msg, cmdline)
    finally:
        if restore is not None:
            restore_hugepages(restore)


def run(a, t, tmp, pstat_msg, cmdline):
    r = types.SimpleNamespace(a=a, t=t, tmp=tmp, cmdline=cmdline,
                              pstat_msg=pstat_msg, sc_counts=sc_counts(a))
    r.started = datetime.datetime.now().astimezone()
    # Read now: the run itself rewrites the plot, a tracked file, so read
    # at the end the tree is always "-dirty".
    r.rev = git_rev()
    r.load0 = loadavg()
    cpu0 = cpu_seconds()
    r.groups = make_groups(t, a, tmp)
    n_runs = sum(len(g.cfgs) for g in r.groups) * a.reps
    log("%d groups, %d runs of ~%.1f s (+ start-up), load average %s"
        % (len(r.groups), n_runs, a.seconds + a.warmup, r.load0))
    if float(r.load0.split()[0]) > 1.0:
        log("WARNING: load average above 1: other processes share the cpus "
            "and the figures will be unreliable")
    try:
        run_all(r.groups, a, t)
        r.sc, r.sc_err = count_syscalls(a, t, tmp)
    except KeyboardInterrupt:
        kill_all()
        sys.exit(130)
    r.finished = datetime.datetime.now().astimezone()
    r.load1 = loadavg()
    cpu1 = cpu_seconds()
    # What other processes took: the load average at the end counts our
    # own pinned pollers, so it is reported but not judged.
    r.others = None
    wall = (r.finished - r.started).total_seconds()
    if cpu0 and cpu1 and wall > 0:
        r.others = max(0.0, (cpu1[0] - cpu0[0]) - (cpu1[1] - cpu0[1])) / (
            wall * (os.cpu_count() or 1))
    write_results(r)
    shutil.rmtree(tmp, ignore_errors=True)
