# SPDX-License-Identifier: MIT
"""The two ends of a pair: memif-perf (its command line, its JSON summary)
and testpmd (through test/testpmd.py)."""

import os
import re
import signal
import subprocess
import time

import testpmd

from .common import (BURST, RING_LOG2, S, RunError, next_id, popen, procs,
                     reap, vlog)


class MemifPerf:
    def __init__(self, t, tmp, name, role, mode, sock, cpu, size, bsize,
                 path="copy", fill="headers", rx_mode="polling",
                 duration=0, count=0, wrap=None, extra=(),
                 ring_log2=RING_LOG2):
        self.name = name
        argv = [t.mp, "--" + role, "--socket", sock,
                "--ring-log2", str(ring_log2), "--buffer-size", str(bsize),
                "--size", str(size), "--burst", str(BURST), "--" + rx_mode,
                "--tx-path", path, "--fill", fill, "--cpu", str(cpu),
                "--wait-timeout", "20", "--json", "--quiet"]
        argv += list(extra) + S.mp_extra
        if count:
            argv += ["--count", str(count)]
        else:
            argv += ["--duration", "%g" % duration]
        argv.append(mode)
        self.argv = (wrap or []) + t.pin(cpu) + argv
        self.out = os.path.join(tmp, name + ".json")
        self.err = os.path.join(tmp, name + ".err")
        self.fo = open(self.out, "wb")
        self.fe = open(self.err, "wb")
        vlog("$ " + " ".join(self.argv))
        self.p = popen(self.argv, stdin=subprocess.DEVNULL, stdout=self.fo,
                       stderr=self.fe)
        self.res = None
        self.rc = None

    def alive(self):
        return self.p.poll() is None

    def interrupt(self):
        """SIGINT to its process group: memif-perf, and perf stat when it
        runs under it (perf passes no signal on to its workload)."""
        if self.alive():
            os.killpg(self.p.pid, signal.SIGINT)

    def wait(self, timeout):
        try:
            if not testpmd.wait_or_kill(self.p, timeout):
                raise RunError("%s did not finish within %d s"
                               % (self.name, timeout))
        finally:
            self.fo.close()
            self.fe.close()
            reap(self.p)
        self.rc = self.p.returncode
        self.res = testpmd.last_json(self.out)
        if self.res is None:
            raise RunError("%s printed no JSON (exit %s): %s"
                           % (self.name, self.rc, self.stderr_tail()))
        return self.res

    def stderr(self):
        try:
            with open(self.err, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stderr_tail(self, n=4):
        lines = [ln for ln in self.stderr().splitlines() if ln.strip()]
        return " | ".join(lines[-n:])

    def rx_empty_pct(self):
        m = re.search(r"rx calls (\d+) \(([\d.]+)% empty", self.stderr())
        return float(m.group(2)) if m else None


def tx_full_pct(res):
    """Share of our TX bursts that found the ring full (the peer is slower)."""
    tx = res["tx"]
    bursts = -(-tx["packets"] // BURST)
    full = tx.get("ring_full_retries", 0)
    return 100.0 * full / (full + bursts) if full + bursts else None


def check_ours(res, what, notes, need_seq=True):
    rx = res["rx"]
    if rx["corrupt"]:
        notes.append("%s: %d corrupt frames" % (what, rx["corrupt"]))
    if need_seq and (rx["loss"] or rx["reorder"]):
        notes.append("%s: loss %d, reorder %d" % (what, rx["loss"],
                                                   rx["reorder"]))


# DPDK's zero-copy client hands its own mbufs' memory to the server as
# regions: that needs one fd per memory type (--single-file-segments) and
# hugepage memory from memfds, which --in-memory gives without a hugetlbfs
# mount.  1 GiB of hugepages holds the 16384 mbufs of 9344 bytes.
ZC_MEMORY = ("--in-memory", "--single-file-segments", "-m", "1024")


def start_testpmd(t, tmp, name, role, cpu, sock, bsize, fwd, size=64,
                  zero_copy=False):
    """testpmd pinned to @cpu with one memif port in @role on @sock ("@name"
    or a path), forwarding with @fwd; txonly sends @size-byte frames in
    buffers of @bsize (chained when larger).  @zero_copy: a client that
    lends its mbufs (zero-copy=yes), on hugepages."""
    prefix = "mnbench-%d-%d" % (os.getpid(), next_id())
    kw = {"memory": ZC_MEMORY} if zero_copy else {}
    argv = testpmd.command(
        t.testpmd, testpmd.vdev(role, sock, bsize=bsize, rsize=RING_LOG2,
                                zero_copy=zero_copy),
        prefix, testpmd.app_args(fwd, size=size, bsize=bsize, burst=BURST),
        cpu=cpu, **kw)
    tp = testpmd.TestPmd(t.pin(cpu) + argv, os.path.join(tmp, name + ".log"),
                         name=name, procs=procs, error=RunError,
                         prefix=prefix)
    vlog("$ " + " ".join(tp.argv))
    return tp


def wait_links(tps, timeout=20):
    deadline = time.monotonic() + timeout
    for tp in tps:
        tp.wait_link_up(timeout, deadline)
