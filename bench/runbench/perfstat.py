# SPDX-License-Identifier: MIT
"""perf stat: cycles and instructions per packet where the hardware
counters work, and syscalls per round trip.

strace would do for the syscalls, but it slows every syscall by tens of
microseconds, which changes what an interrupt-mode receiver does (the
reply is already there when the kick returns, so it never sleeps).
Syscall tracepoints counted by perf stat cost next to nothing and work
without hardware counters."""

import os
import subprocess
import time

import testpmd

from .common import S, RunError, next_id, popen, reap, vlog
from .peers import MemifPerf


def perf_stat_works(t):
    """Hardware counters: 'perf stat -e cycles,instructions' must count."""
    if not t.perf:
        return False, "perf is not installed"
    r = subprocess.run([t.perf, "stat", "-x,", "-e", "cycles,instructions",
                        "true"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return False, "perf stat failed: %s" % r.stderr.strip()[:200]
    bad = [ln for ln in r.stderr.splitlines()
           if "<not supported>" in ln or "<not counted>" in ln]
    if bad:
        return False, ("hardware counters unsupported on this machine "
                       "(perf stat: cycles/instructions <not supported>; "
                       "a VM without a virtual PMU)")
    return True, "hardware counters available"


class PerfAttach:
    """perf stat -p PID for a window: cycles and instructions of one side
    (all its threads) while the traffic runs.  Only where hardware counters
    work (see perf_stat_works), or with --perf-events for testing."""

    def __init__(self, t, tmp, procs_by_side, seconds):
        self.files = {}
        self.ps = []
        if not S.perf_events:
            return
        for side, p in procs_by_side.items():
            f = os.path.join(tmp, "pstat-%s-%d" % (side, next_id()))
            self.seconds = seconds
            argv = [t.perf, "stat", "-x,", "-o", f, "-e", S.perf_events,
                    "-p", str(p.pid), "--", "sleep", "%g" % seconds]
            self.ps.append(popen(argv, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL))
            self.files[side] = f
        self.t0 = time.monotonic()

    def result(self, packets_per_s):
        """{side: {event: per packet}} from the window's rate."""
        out = {}
        for p in self.ps:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
            reap(p)
        if not self.files or not packets_per_s:
            return out
        for side, f in self.files.items():
            try:
                c = perf_counts(f)
            except OSError:
                continue
            c.pop("__seconds", None)
            # the window is the sleep perf stat ran for
            out[side] = {k: v / (packets_per_s * self.seconds)
                         for k, v in c.items()}
        return out


SC_NAMES = ("write", "read", "poll", "ppoll", "epoll_wait", "epoll_pwait",
            "io_uring_enter", "futex", "nanosleep", "clock_nanosleep")


def sc_events():
    base = "/sys/kernel/tracing/events/syscalls"
    if not os.path.isdir(base):
        base = "/sys/kernel/debug/tracing/events/syscalls"
    names = [n for n in SC_NAMES
             if os.path.isdir(os.path.join(base, "sys_enter_" + n))]
    return ["raw_syscalls:sys_enter"] + ["syscalls:sys_enter_" + n
                                         for n in names]


def perf_counts(path):
    """perf stat -x, output -> {event: count}; "__seconds": the longest
    event running time (the window), when perf reports one."""
    out = {}
    run_ns = 0
    with open(path) as f:
        for ln in f:
            parts = ln.strip().split(",")
            if len(parts) < 3:
                continue
            try:
                val = float(parts[0])
            except ValueError:
                continue  # <not supported>, <not counted>, comments
            ev = parts[2]
            ev = ev.split(":", 1)[1] if ":" in ev else ev
            ev = ev.replace("sys_enter_", "") if ev != "sys_enter" else "all"
            out[ev] = val
            if len(parts) >= 4 and parts[3].isdigit():
                run_ns = max(run_ns, int(parts[3]))
    if run_ns:
        out["__seconds"] = run_ns / 1e9
    return out


def syscalls_per_rt(t, a, tmp, kind, n1, n2):
    """Per-side syscalls per round trip by name: counted at two round-trip
    counts, the difference divided by (n2 - n1) (start-up and teardown
    cancel).  bench-pingpong's two processes are counted together (perf
    stat follows the fork) and halved: its sides are symmetric by
    construction."""
    if not t.perf:
        raise RunError("perf not installed")
    ev = ",".join(sc_events())
    per = {}
    for n in (n1, n2):
        if kind == "eventfd":
            f = os.path.join(tmp, "sc-%s-%d" % (kind, n))
            argv = [t.perf, "stat", "-x,", "-o", f, "-e", ev, t.pingpong,
                    "--count", str(n), "--warmup", "0", "--ping-cpu",
                    str(S.cpus[1]), "--echo-cpu", str(S.cpus[0])]
            vlog("$ " + " ".join(argv))
            r = subprocess.run(argv, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=300)
            if r.returncode:
                raise RunError("perf stat bench-pingpong: %s"
                               % r.stderr[-300:])
            c = perf_counts(f)
            c.pop("__seconds", None)
            per.setdefault("both", []).append(
                {k: v / 2.0 for k, v in c.items()})
        else:
            sock = "@mnbench-%d-%d" % (os.getpid(), next_id())
            fe = os.path.join(tmp, "sc-%s-echo-%d" % (kind, n))
            fp = os.path.join(tmp, "sc-%s-ping-%d" % (kind, n))
            echo = MemifPerf(t, tmp, "sc-echo", "master", "echo", sock,
                             S.cpus[0], 64, 2048, rx_mode=kind, duration=0,
                             wrap=[t.perf, "stat", "-x,", "-o", fe, "-e", ev])
            if not testpmd.wait_listening(sock, 20):
                raise RunError("memif-perf echo (perf stat) not listening")
            ping = MemifPerf(t, tmp, "sc-ping", "slave", "ping", sock,
                             S.cpus[1], 64, 2048, rx_mode=kind, count=n,
                             wrap=[t.perf, "stat", "-x,", "-o", fp, "-e", ev])
            ping.wait(300)
            echo.interrupt()  # serve mode: it would wait for the next peer
            echo.wait(60)
            for side, f in (("ping", fp), ("echo", fe)):
                c = perf_counts(f)
                c.pop("__seconds", None)
                per.setdefault(side, []).append(c)
    out = {}
    for side, (c1, c2) in per.items():
        d = {}
        for k in set(c1) | set(c2):
            d[k] = max(0.0, (c2.get(k, 0) - c1.get(k, 0)) / float(n2 - n1))
        out[side] = d
    if "both" in out:
        out["ping"] = out["echo"] = out.pop("both")
    return out
