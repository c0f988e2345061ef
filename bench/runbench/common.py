# SPDX-License-Identifier: MIT
"""What every part of the benchmark shares: the fixed parameters, the
settings main() takes from the command line, logging, and the processes
started (all killed after each run)."""

import subprocess
import sys

import testpmd

RING_LOG2 = 10          # both peers: 1024-slot rings (DPDK rsize=10)
BURST = 32              # memif-perf --burst and testpmd's default burst
JUMBO_BSIZE = 9216      # single-buffer 9000-byte frames (DPDK quirk)
SIZES = (64, 1500, 9000)
DIRS = ("s2m", "m2s")
DIR_LABEL = {"s2m": "slave->master", "m2s": "master->slave"}


class Settings:
    """Set once by main() from the command line, read everywhere."""

    def __init__(self):
        self.cpus = (0, 1)       # master/server cpu, slave/client cpu
        self.perf_events = None  # perf stat events counted per packet,
        #                          when they work
        self.mp_extra = []       # --mp-extra: more memif-perf arguments
        self.hugepages = False   # 2 MiB pages reserved: the hugepage rows
        self.hugepages_msg = ""
        self.verbose = False


S = Settings()
procs = []              # every process we started, for cleanup


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def vlog(msg):
    if S.verbose:
        log("    " + msg)


class RunError(Exception):
    pass


def kill_all():
    testpmd.kill_all(procs)


def popen(argv, **kw):
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    procs.append(p)
    return p


def reap(p):
    if p in procs:
        procs.remove(p)


_ids = [0]


def next_id():
    _ids[0] += 1
    return _ids[0]
