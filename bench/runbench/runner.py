# SPDX-License-Identifier: MIT
"""The comparison groups and their interleaved runs: the configurations of
a group back to back, repetition after repetition, every other one in
reverse order."""

import re
import subprocess
import time

import testpmd

from .common import DIRS, S, RunError, kill_all, log
from .runs import (bsize_for, probe, run_dpdk, run_floor, run_mixed,
                   run_ours, run_ping, run_pingpong)


class Cfg:
    def __init__(self, key, label, fn, sender, receiver, info=None):
        self.key, self.label, self.fn = key, label, fn
        self.sender, self.receiver = sender, receiver
        self.info = info  # extra text for the table (buffers, path)


class Group:
    def __init__(self, name, kind, direction, size, fill, cfgs, base,
                 metric):
        self.name, self.kind, self.direction = name, kind, direction
        self.size, self.fill, self.cfgs, self.base = size, fill, cfgs, base
        self.metric = metric  # 'mpps', 'gBps' or 'p50'
        self.res = {c.key: [] for c in cfgs}   # per rep: dict or None
        self.err = {c.key: [] for c in cfgs}


def ours_cfgs(t, a, tmp, d, size, fill, b):
    """memif-perf -> memif-perf on the copy path and in place."""
    return [Cfg("copy", "ours -> ours, copy",
                lambda: run_ours(t, a, tmp, d, size, "copy", fill, b),
                "memif-perf tx", "memif-perf rx", "bsize %d" % b),
            Cfg("inplace", "ours -> ours, in-place",
                lambda: run_ours(t, a, tmp, d, size, "inplace", fill, b),
                "memif-perf tx", "memif-perf rx", "bsize %d" % b)]


ZC = ("--zero-copy",)
HUGE = ("--hugepages",)
PIECES = ("--rx-path", "pieces")


def zc_cfgs(t, a, tmp, d, size, fill, b):
    """Our slave sending from / receiving into its own pool (memif-perf
    --zero-copy), on 4 KiB pages and, when the host has them, on
    hugepages."""
    cf = [Cfg("zc", "ours -> ours, zero-copy",
              lambda: run_ours(t, a, tmp, d, size, "copy", fill, b, ZC),
              "memif-perf tx", "memif-perf rx",
              "bsize %d, slave's pool" % b)]
    if d == "m2s":
        # the master sends: built in place, no copy on either side
        cf.append(Cfg("zc_inplace", "ours -> ours, in-place -> zero-copy",
                      lambda: run_ours(t, a, tmp, d, size, "inplace", fill,
                                       b, ZC),
                      "memif-perf tx --tx-path inplace", "memif-perf rx",
                      "bsize %d, slave's pool" % b))
    if S.hugepages:
        cf.append(Cfg("zc_huge", "ours -> ours, zero-copy, hugepages",
                      lambda: run_ours(t, a, tmp, d, size, "copy", fill, b,
                                       ZC + HUGE),
                      "memif-perf tx", "memif-perf rx",
                      "bsize %d, slave's pool, 2 MiB pages" % b))
    return cf


def chain_cfgs(t, a, tmp, d, size, fill):
    """A frame in 2048-byte buffers: received whole (reassembled) and as
    its segments (memif_rx_burst_sg, no copy)."""
    info = "bsize 2048, %d buffers/frame" % len(testpmd.segments(size, 2048))
    return [Cfg("copy_chain", "ours -> ours, copy, chained",
                lambda: run_ours(t, a, tmp, d, size, "copy", fill, 2048),
                "memif-perf tx", "memif-perf rx", info),
            Cfg("sg_chain", "ours -> ours, copy, chained, segments",
                lambda: run_ours(t, a, tmp, d, size, "copy", fill, 2048,
                                 rx_extra=PIECES),
                "memif-perf tx", "memif-perf rx --rx-path pieces", info)]


def hdr_group(t, a, tmp, d, size):
    """Headers only, against DPDK -> DPDK: our two paths, zero-copy, the
    mixed pairs, DPDK's zero-copy client where hugepages allow it, and
    above 2048 B the chained rows unless --no-chains."""
    b = bsize_for(size)
    cf = ([Cfg("dpdk", "DPDK -> DPDK",
               lambda: run_dpdk(t, a, tmp, d, size, b),
               "testpmd txonly", "testpmd rxonly", "bsize %d" % b)] +
          ours_cfgs(t, a, tmp, d, size, "headers", b) +
          [Cfg("floor_copy", "floor, copied in, first word read "
               "(bench-floor --copy --headers)",
               lambda: run_floor(t, a, tmp, d, size,
                                 extra=("--copy", "--headers")),
               "writer", "reader",
               "slot %d, memcpy from the writer's own buffer" % b)] +
          zc_cfgs(t, a, tmp, d, size, "headers", b) +
          [Cfg("ours2dpdk", "ours -> DPDK",
               lambda: run_mixed(t, a, tmp, d, size, True),
               "memif-perf tx", "testpmd rxonly", "bsize %d" % b),
           Cfg("dpdk2ours", "DPDK -> ours",
               lambda: run_mixed(t, a, tmp, d, size, False),
               "testpmd txonly", "memif-perf rx", "bsize %d" % b)])
    if S.hugepages:
        cf.append(Cfg("dpdk_zc", "DPDK -> DPDK, client zero-copy",
                      lambda: run_dpdk(t, a, tmp, d, size, b, True),
                      "testpmd txonly", "testpmd rxonly",
                      "bsize %d, client's mbufs, 2 MiB pages" % b))
    if size > 2048 and not a.no_chains:
        cf += chain_cfgs(t, a, tmp, d, size, "headers")
        cf.append(Cfg("dpdk_chain", "DPDK -> DPDK, chained",
                      lambda: run_dpdk(t, a, tmp, d, size, 2048),
                      "testpmd txonly", "testpmd rxonly", cf[-1].info))
    return Group("hdr-%d-%s" % (size, d), "tput", d, size, "headers", cf,
                 "dpdk", "mpps")


def full_group(t, a, tmp, d, size):
    """The whole payload written and read, against the floor."""
    b = bsize_for(size)
    cf = ([Cfg("floor", "floor (bench-floor)",
               lambda: run_floor(t, a, tmp, d, size),
               "writer", "reader", "slot %d" % b),
           Cfg("floor_desc", "floor with memif descriptors (bench-floor "
               "--desc-%s)" % d, lambda: run_floor(t, a, tmp, d, size,
                                                 ("--desc-" + d,)),
               "writer", "reader",
               "slot %d, each side in its memif role" % b)] +
          ours_cfgs(t, a, tmp, d, size, "full", b) +
          [c for c in zc_cfgs(t, a, tmp, d, size, "full", b)
           if c.key != "zc_huge"])
    if size > 2048 and not a.no_chains:
        cf += chain_cfgs(t, a, tmp, d, size, "full")
    return Group("full-%d-%s" % (size, d), "tput", d, size, "full", cf,
                 "floor", "gBps")


BIG_RING = 14


def pages_group(t, a, tmp, d, size):
    """4 KiB pages against 2 MiB pages for the slave's region (and pool),
    with a ring of 2^14 slots: the buffers span 150 MB, far more than the
    TLB covers with 4 KiB pages."""
    b = bsize_for(size)

    def cfg(key, label, extra, info):
        return Cfg(key, label,
                   lambda: run_ours(t, a, tmp, d, size, "copy", "headers", b,
                                    extra, ring_log2=BIG_RING),
                   "memif-perf tx", "memif-perf rx",
                   "bsize %d, ring 2^%d, %s" % (b, BIG_RING, info))
    cf = [cfg("copy", "ours -> ours, copy", (), "4 KiB pages"),
          cfg("copy_huge", "ours -> ours, copy, hugepages", HUGE,
              "2 MiB pages"),
          cfg("zc", "ours -> ours, zero-copy", ZC, "4 KiB pages"),
          cfg("zc_huge", "ours -> ours, zero-copy, hugepages", ZC + HUGE,
              "2 MiB pages")]
    return Group("pages-%d-%s" % (size, d), "pages", d, size, "headers", cf,
                 "copy", "mpps")


def latency_group(t, a, tmp):
    n = a.ping_count
    cf = [Cfg("eventfd", "raw eventfd ping-pong (epoll_wait)",
              lambda: run_pingpong(t, a, tmp, n), "bench-pingpong",
              "bench-pingpong", "2 processes"),
          Cfg("interrupt", "memif-perf ping, interrupt",
              lambda: run_ping(t, a, tmp, "interrupt", n),
              "memif-perf ping", "memif-perf echo", "both interrupt"),
          Cfg("edge", "memif-perf ping, interrupt (edge)",
              lambda: run_ping(t, a, tmp, "edge", n),
              "memif-perf ping", "memif-perf echo",
              "both interrupt, edge-triggered epoll"),
          Cfg("polling", "memif-perf ping, polling",
              lambda: run_ping(t, a, tmp, "polling", n),
              "memif-perf ping", "memif-perf echo", "both polling")]
    return Group("latency", "lat", "s2m", 64, "headers", cf, "eventfd",
                 "p50")


def make_groups(t, a, tmp):
    """Every comparison the options ask for, in the order they run."""
    groups = [hdr_group(t, a, tmp, d, size)
              for size in a.sizes for d in DIRS]
    groups += [full_group(t, a, tmp, d, size)
               for size in a.sizes if size in a.full_sizes for d in DIRS]
    if S.hugepages and not a.quick:
        groups += [pages_group(t, a, tmp, d, size)
                   for size in a.sizes if size > 2048 for d in DIRS]
    groups.append(latency_group(t, a, tmp))
    if a.only:
        rx = re.compile(a.only)
        groups = [g for g in groups if rx.search(g.name)]
    return groups


def run_all(groups, a, t):
    total = sum(len(g.cfgs) for g in groups) * a.reps
    done = 0
    t_start = time.monotonic()
    for rep in range(a.reps):
        for g in groups:
            order = list(g.cfgs)
            if rep % 2:
                order.reverse()
            for c in order:
                done += 1
                t0 = time.monotonic()
                xlat = probe(t)
                try:
                    r = c.fn()
                    err = None
                    r["xlat"] = xlat
                except RunError as e:
                    r, err = None, str(e)
                except (OSError, ValueError, KeyError,
                        subprocess.SubprocessError) as e:
                    r, err = None, "%s: %s" % (type(e).__name__, e)
                finally:
                    kill_all()
                g.res[c.key].append(r)
                g.err[c.key].append(err)
                el = time.monotonic() - t_start
                eta = el / done * (total - done)
                if r is None:
                    fig = "FAILED: " + err[:160]
                elif g.metric == "p50":
                    fig = "p50 %.1f us  p99 %.1f us" % (r["p50"] / 1e3,
                                                       r["p99"] / 1e3)
                elif g.metric == "gBps":
                    fig = "%.2f GB/s  %.3f Mpps" % (r["gBps"], r["mpps"])
                else:
                    fig = "%.3f Mpps  %.2f Gbps" % (r["mpps"], r["gbps"])
                if r and r.get("rx_empty") is not None and \
                        g.metric != "gBps":
                    fig += "  rx %.0f%% empty" % r["rx_empty"]
                if r and r.get("tx_full") is not None and \
                        g.metric != "gBps":
                    fig += "  tx %.0f%% full" % r["tx_full"]
                if r and r.get("notes"):
                    fig += "  [" + "; ".join(r["notes"]) + "]"
                log("[%3d/%d rep %d] %-14s %-36s %s  (%.1fs, x %s ns, eta "
                    "%dm%02ds)" % (done, total, rep + 1, g.name, c.label, fig,
                                   time.monotonic() - t0,
                                   "?" if xlat is None else "%.0f" % xlat,
                                   eta // 60, eta % 60))
