#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
run-bench.py: memif-native against DPDK's net_memif, one command.

    bench/run-bench.py            # full run, about 20 minutes
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

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

RING_LOG2 = 10          # both peers: 1024-slot rings (DPDK rsize=10)
BURST = 32              # memif-perf --burst and testpmd's default burst
MP_EXTRA = []           # --mp-extra: more memif-perf arguments (experiments)
JUMBO_BSIZE = 9216      # single-buffer 9000-byte frames (DPDK quirk)
SIZES = (64, 1500, 9000)
DIRS = ("s2m", "m2s")
DIR_LABEL = {"s2m": "slave->master", "m2s": "master->slave"}
PROMPT = "testpmd> "

procs = []              # every process we started, for cleanup
verbose = False


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def vlog(msg):
    if verbose:
        log("    " + msg)


class RunError(Exception):
    pass


def kill_all():
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
    del procs[:]


def popen(argv, **kw):
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    procs.append(p)
    return p


def reap(p):
    if p in procs:
        procs.remove(p)


# ---- tools ---------------------------------------------------------------

class Tools:
    def __init__(self, a):
        self.build = os.path.abspath(a.build_dir)
        self.mp = os.path.join(self.build, "bench", "memif-perf")
        self.floor = os.path.join(self.build, "bench", "bench-floor")
        self.pingpong = os.path.join(self.build, "bench", "bench-pingpong")
        self.testpmd = os.environ.get("TESTPMD") or shutil.which("dpdk-testpmd")
        self.stdbuf = shutil.which("stdbuf")
        self.taskset = shutil.which("taskset")
        self.gnuplot = shutil.which("gnuplot")
        self.perf = shutil.which("perf")
        self.cpus = a.cpus

    def pin(self, cpu):
        return [self.taskset, "-c", str(cpu)] if self.taskset else []


def build(a):
    bd = os.path.abspath(a.build_dir)
    if not os.path.exists(os.path.join(bd, "build.ninja")):
        log("setting up %s (release build)" % bd)
        subprocess.run(["meson", "setup", bd, "--buildtype=release",
                        "-Dtests=disabled", "-Dexamples=false"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    log("building memif-perf, bench-floor, bench-pingpong in %s" % bd)
    subprocess.run(["ninja", "-C", bd, "bench/memif-perf", "bench/bench-floor",
                    "bench/bench-pingpong"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


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


# ---- memif-perf ------------------------------------------------------------

class MemifPerf:
    def __init__(self, t, tmp, name, role, mode, sock, cpu, size, bsize,
                 path="copy", fill="headers", rx_mode="polling",
                 duration=0, count=0, wrap=None):
        self.name = name
        argv = [t.mp, "--" + role, "--socket", sock,
                "--ring-log2", str(RING_LOG2), "--buffer-size", str(bsize),
                "--size", str(size), "--burst", str(BURST), "--" + rx_mode,
                "--tx-path", path, "--fill", fill, "--cpu", str(cpu),
                "--wait-timeout", "20", "--json", "--quiet"]
        argv += MP_EXTRA
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
        if self.alive():
            os.kill(self.p.pid, signal.SIGINT)

    def wait(self, timeout):
        try:
            self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
            raise RunError("%s did not finish within %d s" % (self.name,
                                                              timeout))
        finally:
            self.fo.close()
            self.fe.close()
            reap(self.p)
        self.rc = self.p.returncode
        with open(self.out, "rb") as f:
            data = f.read().decode(errors="replace").strip()
        try:
            self.res = json.loads(data.splitlines()[-1]) if data else None
        except ValueError:
            self.res = None
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


def wait_listening(sock, timeout):
    """An abstract memif-perf master must listen before DPDK's client starts
    (it connects once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sock.startswith("@"):
            try:
                with open("/proc/net/unix") as f:
                    for ln in f:
                        parts = ln.split()
                        if len(parts) >= 8 and parts[-1] == sock:
                            return True
            except OSError:
                time.sleep(0.5)
                return True
        elif os.path.exists(sock):
            return True
        time.sleep(0.02)
    return False


def check_ours(res, what, notes, need_seq=True):
    rx = res["rx"]
    if rx["corrupt"]:
        notes.append("%s: %d corrupt frames" % (what, rx["corrupt"]))
    if need_seq and (rx["loss"] or rx["reorder"]):
        notes.append("%s: loss %d, reorder %d" % (what, rx["loss"],
                                                   rx["reorder"]))


# ---- testpmd ---------------------------------------------------------------

class TestPmd:
    """dpdk-testpmd in interactive mode, commands on a pipe (stdbuf: its
    printf output is block-buffered on a pipe otherwise)."""

    seq = 0

    def __init__(self, t, tmp, name, role, cpu, sock_spec, bsize, fwd,
                 size=64, segs=None):
        TestPmd.seq += 1
        self.name = name
        self.prefix = "mnbench-%d-%d" % (os.getpid(), TestPmd.seq)
        vdev = "net_memif0,role=%s,%s,bsize=%d,rsize=%d" % (
            role, sock_spec, bsize, RING_LOG2)
        app = ["-i", "--no-flush-rx", "--total-num-mbufs=16384",
               "--nb-cores=1", "--burst=%d" % BURST,
               "--forward-mode=%s" % fwd]
        if bsize > 2048:
            # mbufs as large as the memif buffers: no mbuf chains
            app.append("--mbuf-size=%d" % (bsize + 128))
        if fwd == "txonly":
            app.append("--txpkts=%s" % ",".join(
                str(s) for s in (segs or [size])))
        argv = [t.testpmd, "--no-huge", "-m", "256", "--no-pci",
                "--no-shconf", "--file-prefix", self.prefix,
                "--lcores", "0@%d,1@%d" % (cpu, cpu), "--vdev=%s" % vdev,
                "--"] + app
        self.argv = ([t.stdbuf, "-o0", "-e0"] if t.stdbuf else []) + \
            t.pin(cpu) + argv
        vlog("$ " + " ".join(self.argv))
        self.logf = open(os.path.join(tmp, name + ".log"), "wb")
        self.p = popen(self.argv, stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.buf = bytearray()
        self.rx_frame = None
        self.eof = False
        self.cv = threading.Condition()
        self.th = threading.Thread(target=self._reader, daemon=True)
        self.th.start()

    def _reader(self):
        fd = self.p.stdout.fileno()
        while True:
            try:
                b = os.read(fd, 65536)
            except OSError:
                b = b""
            if not b:
                break
            self.logf.write(b)
            with self.cv:
                self.buf += b
                self.cv.notify_all()
        with self.cv:
            self.eof = True
            self.cv.notify_all()

    def mark(self):
        with self.cv:
            return len(self.buf)

    def text(self, start=0):
        with self.cv:
            return self.buf[start:].decode(errors="replace")

    def wait_for(self, pattern, start, timeout):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                m = rx.search(self.buf[start:].decode(errors="replace"))
                if m:
                    return m
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return None
                self.cv.wait(min(left, 0.2))

    def alive(self):
        return self.p.poll() is None

    def ready(self, timeout=60):
        if not self.wait_for(re.escape(PROMPT), 0, timeout):
            raise RunError("%s: no prompt (exit %s): %s"
                           % (self.name, self.p.poll(), self.tail()))

    def cmd(self, line, timeout=20):
        if not self.alive():
            raise RunError("%s exited (%s) before '%s': %s"
                           % (self.name, self.p.returncode, line, self.tail()))
        pos = self.mark()
        try:
            self.p.stdin.write((line + "\n").encode())
            self.p.stdin.flush()
        except OSError as e:
            raise RunError("%s: cannot send '%s': %s" % (self.name, line, e))
        m = self.wait_for(re.escape(PROMPT), pos, timeout)
        if not m:
            raise RunError("%s: no prompt after '%s' (exit %s)"
                           % (self.name, line, self.p.poll()))
        return self.text(pos)[:m.start()]

    def link_up(self):
        out = self.cmd("show port summary all")
        m = re.search(r"^\s*0\s+\S+\s+\S+\s+net_memif\s+(up|down)\b", out,
                      re.M)
        return bool(m and m.group(1) == "up")

    def stats(self):
        """(monotonic time, rx packets, tx packets, rx bytes) from the port
        counters."""
        t0 = time.monotonic()
        out = self.cmd("show port stats 0")
        t1 = time.monotonic()
        rx = re.search(r"RX-packets:\s*(\d+)", out)
        tx = re.search(r"TX-packets:\s*(\d+)", out)
        rb = re.search(r"RX-bytes:\s*(\d+)", out)
        if not rx or not tx or not rb:
            raise RunError("%s: cannot parse port stats:\n%s"
                           % (self.name, out))
        return ((t0 + t1) / 2, int(rx.group(1)), int(tx.group(1)),
                int(rb.group(1)))

    def quit(self, timeout=20):
        if self.alive():
            try:
                self.p.stdin.write(b"quit\n")
                self.p.stdin.flush()
                self.p.stdin.close()
            except OSError:
                pass
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.th.join(timeout=5)
        self.logf.close()
        reap(self.p)
        cleanup_prefix(self.prefix)
        return self.p.returncode

    def tail(self, n=6):
        lines = [ln for ln in self.text().splitlines() if ln.strip()
                 and "msg type" not in ln]
        return " | ".join(lines[-n:])


def cleanup_prefix(prefix):
    # --no-shconf still leaves an empty runtime directory behind
    for base in ("/var/run/dpdk",
                 os.path.join(os.environ.get("XDG_RUNTIME_DIR",
                                             "/nonexistent"), "dpdk")):
        try:
            os.rmdir(os.path.join(base, prefix))
        except OSError:
            pass


def wait_links(tps, timeout=20):
    deadline = time.monotonic() + timeout
    for tp in tps:
        while not tp.link_up():
            if time.monotonic() > deadline:
                raise RunError("%s: link not up within %d s"
                               % (tp.name, timeout))
            time.sleep(0.05)


class PerfAttach:
    """perf stat -p PID for a window: cycles and instructions of one side
    (all its threads) while the traffic runs.  Only where hardware counters
    work (see perf_stat_works), or with --perf-events for testing."""

    def __init__(self, tmp, procs_by_side, seconds):
        self.files = {}
        self.ps = []
        if not PERF_EVENTS:
            return
        for side, p in procs_by_side.items():
            f = os.path.join(tmp, "pstat-%s-%d" % (side, next_id()))
            self.seconds = seconds
            argv = [T.perf, "stat", "-x,", "-o", f, "-e", PERF_EVENTS,
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


def measure_tp(tp, a, which, others=None):
    """Rate from two port-counter snapshots a.seconds apart, after a
    warm-up; which = 'rx' or 'tx'.  others: {side: Popen} to count cycles
    on (perf stat) over the same window."""
    time.sleep(a.warmup)
    t0, r0, x0, b0 = tp.stats()
    pa = PerfAttach(TMP, others or {}, a.seconds)
    time.sleep(a.seconds)
    t1, r1, x1, b1 = tp.stats()
    n = (r1 - r0) if which == "rx" else (x1 - x0)
    rate = n / (t1 - t0)
    tp.rx_frame = (b1 - b0) / float(r1 - r0) if r1 > r0 else None
    return rate, n, pa.result(rate)


# ---- one run of each kind --------------------------------------------------
#
# Each returns a dict: value (the figure compared: Mpps, GB/s or ns), mpps,
# gbps, plus optional notes/extra.  Failures raise RunError.

def roles_for(direction):
    """(tx role, rx role, tx cpu, rx cpu): master/server on cpus[0]."""
    c0, c1 = CPUS
    if direction == "s2m":
        return "slave", "master", c1, c0
    return "master", "slave", c0, c1


def bsize_for(size, chain=False):
    if chain or size <= 2048:
        return 2048
    return JUMBO_BSIZE


def run_ours(t, a, tmp, direction, size, path, fill, bsize):
    tx_role, rx_role, tx_cpu, rx_cpu = roles_for(direction)
    sock = "@mnbench-%d-%d" % (os.getpid(), next_id())
    notes = []
    # The master starts first (it listens); the receiver runs until the
    # sender's --duration ends and it disconnects.
    dur = a.seconds + a.warmup
    if rx_role == "master":
        rx = MemifPerf(t, tmp, "rx", "master", "rx", sock, rx_cpu, size,
                       bsize, fill=fill, duration=0)
        if not wait_listening(sock, 10):
            raise RunError("memif-perf master not listening")
        tx = MemifPerf(t, tmp, "tx", "slave", "tx", sock, tx_cpu, size,
                       bsize, path=path, fill=fill, duration=dur)
    else:
        tx = MemifPerf(t, tmp, "tx", "master", "tx", sock, tx_cpu, size,
                       bsize, path=path, fill=fill, duration=dur)
        if not wait_listening(sock, 10):
            raise RunError("memif-perf master not listening")
        rx = MemifPerf(t, tmp, "rx", "slave", "rx", sock, rx_cpu, size,
                       bsize, fill=fill, duration=0)
    pa = None
    if PERF_EVENTS:
        time.sleep(a.warmup + 0.2)
        pa = PerfAttach(tmp, {"tx": tx.p, "rx": rx.p}, a.seconds * 0.8)
    tres = tx.wait(dur + 40)
    rres = rx.wait(20)
    if tx.rc or rx.rc:
        raise RunError("memif-perf exit tx %s rx %s: %s / %s"
                       % (tx.rc, rx.rc, tx.stderr_tail(), rx.stderr_tail()))
    check_ours(rres, "ours", notes)
    r = rres["rx"]
    if not r["packets"]:
        raise RunError("nothing received")
    return {"mpps": r["mpps"], "gbps": r["gbps"],
            "gBps": r["gbps"] / 8, "notes": notes,
            "rx_empty": rx.rx_empty_pct(), "tx_full": tx_full_pct(tres),
            "cpu": pa.result(r["mpps"] * 1e6) if pa else {}}


def run_dpdk(t, a, tmp, direction, size, bsize, segs=None):
    """testpmd txonly -> testpmd rxonly; server (master) on cpus[0]."""
    sock = os.path.join(tmp, "dpdk-%d.sock" % next_id())
    spec = "socket=%s,socket-abstract=no" % sock
    c0, c1 = CPUS
    srv_fwd, cli_fwd = (("rxonly", "txonly") if direction == "s2m"
                        else ("txonly", "rxonly"))
    srv = TestPmd(t, tmp, "testpmd-server", "server", c0, spec, bsize,
                  srv_fwd, size, segs)
    cli = None
    try:
        srv.ready()
        cli = TestPmd(t, tmp, "testpmd-client", "client", c1, spec, bsize,
                      cli_fwd, size, segs)
        cli.ready()
        wait_links([srv, cli])
        rxp, txp = (srv, cli) if direction == "s2m" else (cli, srv)
        rxp.cmd("start")
        txp.cmd("start")
        pps, n, cpu = measure_tp(rxp, a, "rx", {"tx": txp.p, "rx": rxp.p})
        # stop both before either side disconnects (DPDK 22.11 unmaps on a
        # peer's DISCONNECT without stopping its lcore)
        txp.cmd("stop", timeout=30)
        rxp.cmd("stop", timeout=30)
    finally:
        rcs = []
        for tp in (cli, srv):
            if tp:
                rcs.append(tp.quit())
    notes = []
    if any(rc not in (0, None) for rc in rcs):
        notes.append("testpmd exit status %s" % rcs)
    if not n:
        raise RunError("testpmd rxonly received nothing")
    if rxp.rx_frame is not None and abs(rxp.rx_frame - size) > 0.5:
        notes.append("testpmd rxonly counted %.1f bytes per frame, not %d"
                     % (rxp.rx_frame, size))
    return {"mpps": pps / 1e6, "gbps": pps * size * 8 / 1e9,
            "gBps": pps * size / 1e9, "notes": notes, "cpu": cpu}


def run_mixed(t, a, tmp, direction, size, ours_sends):
    """memif-perf <-> testpmd.  Ours is master on cpus[0] when the master
    side is ours, i.e. the roles follow the direction and who sends."""
    tx_role, rx_role, tx_cpu, rx_cpu = roles_for(direction)
    our_role = tx_role if ours_sends else rx_role
    our_cpu = tx_cpu if ours_sends else rx_cpu
    tp_cpu = rx_cpu if ours_sends else tx_cpu
    bsize = bsize_for(size)
    n = next_id()
    notes = []
    if our_role == "master":
        name = "mnbench-%d-%d" % (os.getpid(), n)
        our_sock, spec, tp_role = "@" + name, "socket=%s" % name, "client"
    else:
        path = os.path.join(tmp, "mixed-%d.sock" % n)
        our_sock, spec, tp_role = path, \
            "socket=%s,socket-abstract=no" % path, "server"
    fwd = "rxonly" if ours_sends else "txonly"
    mode = "tx" if ours_sends else "rx"
    mp = tp = None
    tp_rc = None
    try:
        if our_role == "master":
            mp = MemifPerf(t, tmp, "ours", "master", mode, our_sock, our_cpu,
                           size, bsize, duration=0)
            if not wait_listening(our_sock, 10):
                raise RunError("memif-perf master not listening")
        tp = TestPmd(t, tmp, "testpmd", tp_role, tp_cpu, spec, bsize, fwd,
                     size)
        tp.ready()
        if our_role == "slave":
            mp = MemifPerf(t, tmp, "ours", "slave", mode, our_sock, our_cpu,
                           size, bsize, duration=0)
        wait_links([tp])
        tp.cmd("start")
        if ours_sends:
            pps, cnt, _ = measure_tp(tp, a, "rx")
            if tp.rx_frame is not None and abs(tp.rx_frame - size) > 0.5:
                notes.append("testpmd rxonly counted %.1f bytes per frame, "
                             "not %d" % (tp.rx_frame, size))
        else:
            # measured on our side: first to last frame received
            time.sleep(a.warmup + a.seconds)
        tp.cmd("stop", timeout=30)
        if not mp.alive():
            raise RunError("memif-perf ended early: %s" % mp.stderr_tail())
        mp.interrupt()
        res = mp.wait(30)
        tp_rc = tp.quit()
        tp = None
    finally:
        if tp:
            tp.quit()
    if tp_rc not in (0, None):
        notes.append("testpmd exit status %s" % tp_rc)
    if mp.rc:
        notes.append("memif-perf exit %s: %s" % (mp.rc, mp.stderr_tail()))
    extra = {}
    if ours_sends:
        if not cnt:
            raise RunError("testpmd received nothing")
        extra["tx_full"] = tx_full_pct(res)
        mpps = pps / 1e6
    else:
        r = res["rx"]
        if r["corrupt"]:
            notes.append("ours: %d corrupt" % r["corrupt"])
        if not r["packets"]:
            raise RunError("memif-perf received nothing")
        if r["bytes"] != r["packets"] * size:
            notes.append("received %d bytes in %d frames"
                         % (r["bytes"], r["packets"]))
        extra["rx_empty"] = mp.rx_empty_pct()
        mpps = r["mpps"]
    out = {"mpps": mpps, "gbps": mpps * 1e6 * size * 8 / 1e9,
           "gBps": mpps * 1e6 * size / 1e9, "notes": notes}
    out.update(extra)
    return out


def run_floor(t, a, tmp, direction, size):
    tx_role, rx_role, tx_cpu, rx_cpu = roles_for(direction)
    argv = [t.floor, "--size", str(size), "--slot-size",
            str(bsize_for(size)), "--slots", str(1 << RING_LOG2),
            "--burst", str(BURST), "--seconds", "%g" % a.seconds,
            "--writer-cpu", str(tx_cpu), "--reader-cpu", str(rx_cpu)]
    vlog("$ " + " ".join(argv))
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=a.seconds + 30)
    if r.returncode:
        raise RunError("bench-floor exit %d: %s" % (r.returncode,
                                                    r.stderr.strip()))
    j = json.loads(r.stdout.strip().splitlines()[-1])
    return {"mpps": j["mpps"], "gbps": j["gbps"], "gBps": j["gbytes_per_s"],
            "notes": []}


def probe(t):
    """One-way cache-line latency between the two cpus right now (ns), from
    bench-floor --probe; None if it fails."""
    try:
        r = subprocess.run([t.floor, "--probe", "20000", "--writer-cpu",
                            str(CPUS[0]), "--reader-cpu", str(CPUS[1])],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True, timeout=30)
        return json.loads(r.stdout)["one_way_ns"]
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return None


def run_pingpong(t, a, tmp, count):
    c0, c1 = CPUS
    argv = [t.pingpong, "--count", str(count), "--ping-cpu", str(c1),
            "--echo-cpu", str(c0)]
    vlog("$ " + " ".join(argv))
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=120)
    if r.returncode:
        raise RunError("bench-pingpong exit %d: %s" % (r.returncode,
                                                       r.stderr.strip()))
    j = json.loads(r.stdout.strip().splitlines()[-1])
    return {"p50": j["p50"], "p99": j["p99"], "min": j["min"], "notes": []}


def run_ping(t, a, tmp, rx_mode, count, path="copy"):
    """memif-perf slave ping (cpus[1]) -> memif-perf master echo (cpus[0])."""
    c0, c1 = CPUS
    sock = "@mnbench-%d-%d" % (os.getpid(), next_id())
    echo = MemifPerf(t, tmp, "echo", "master", "echo", sock, c0, 64, 2048,
                     rx_mode=rx_mode, duration=0)
    if not wait_listening(sock, 10):
        raise RunError("memif-perf echo not listening")
    ping = MemifPerf(t, tmp, "ping", "slave", "ping", sock, c1, 64, 2048,
                     path=path, rx_mode=rx_mode, count=count)
    res = ping.wait(120)
    echo.wait(20)
    lat = res["latency_ns"]
    notes = []
    if ping.rc or lat["timeouts"]:
        notes.append("ping exit %s, %d timeouts" % (ping.rc,
                                                    lat["timeouts"]))
    if not lat["samples"]:
        raise RunError("no round trips: %s" % ping.stderr_tail())
    return {"p50": lat["p50"], "p99": lat["p99"], "min": lat["min"],
            "notes": notes}


_ids = [0]


def next_id():
    _ids[0] += 1
    return _ids[0]


# ---- syscalls per round trip (perf stat on tracepoints, not timed) ---------
#
# strace would do, but it slows every syscall by tens of microseconds, which
# changes what an interrupt-mode receiver does (the reply is already there
# when the kick returns, so it never sleeps).  Syscall tracepoints counted by
# perf stat cost next to nothing and work without hardware counters.

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
                    str(CPUS[1]), "--echo-cpu", str(CPUS[0])]
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
                             CPUS[0], 64, 2048, rx_mode=kind, duration=0,
                             wrap=[t.perf, "stat", "-x,", "-o", fe, "-e", ev])
            if not wait_listening(sock, 20):
                raise RunError("memif-perf echo (perf stat) not listening")
            ping = MemifPerf(t, tmp, "sc-ping", "slave", "ping", sock,
                             CPUS[1], 64, 2048, rx_mode=kind, count=n,
                             wrap=[t.perf, "stat", "-x,", "-o", fp, "-e", ev])
            ping.wait(300)
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


# ---- groups ------------------------------------------------------------------

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


def make_groups(t, a):
    groups = []
    lat_n = a.ping_count
    for size in a.sizes:
        for d in DIRS:
            tx_role, rx_role, _, _ = roles_for(d)
            b = bsize_for(size)
            cf = [Cfg("dpdk", "DPDK -> DPDK",
                      lambda d=d, s=size, b=b: run_dpdk(T, A, TMP, d, s, b),
                      "testpmd txonly", "testpmd rxonly",
                      "bsize %d" % b),
                  Cfg("copy", "ours -> ours, copy",
                      lambda d=d, s=size, b=b: run_ours(T, A, TMP, d, s,
                                                        "copy", "headers", b),
                      "memif-perf tx", "memif-perf rx", "bsize %d" % b),
                  Cfg("inplace", "ours -> ours, in-place",
                      lambda d=d, s=size, b=b: run_ours(T, A, TMP, d, s,
                                                        "inplace", "headers",
                                                        b),
                      "memif-perf tx", "memif-perf rx", "bsize %d" % b),
                  Cfg("ours2dpdk", "ours -> DPDK",
                      lambda d=d, s=size: run_mixed(T, A, TMP, d, s, True),
                      "memif-perf tx", "testpmd rxonly", "bsize %d" % b),
                  Cfg("dpdk2ours", "DPDK -> ours",
                      lambda d=d, s=size: run_mixed(T, A, TMP, d, s, False),
                      "testpmd txonly", "memif-perf rx", "bsize %d" % b)]
            if size > 2048 and not a.no_chains:
                segs, left = [], size
                while left > 0:
                    segs.append(min(left, 2048))
                    left -= segs[-1]
                cf += [Cfg("copy_chain", "ours -> ours, copy, chained",
                           lambda d=d, s=size: run_ours(T, A, TMP, d, s,
                                                        "copy", "headers",
                                                        2048),
                           "memif-perf tx", "memif-perf rx",
                           "bsize 2048, %d buffers/frame" % len(segs)),
                       Cfg("dpdk_chain", "DPDK -> DPDK, chained",
                           lambda d=d, s=size, g=segs: run_dpdk(
                               T, A, TMP, d, s, 2048, g),
                           "testpmd txonly", "testpmd rxonly",
                           "bsize 2048, %d buffers/frame" % len(segs))]
            groups.append(Group("hdr-%d-%s" % (size, d), "tput", d, size,
                                "headers", cf, "dpdk", "mpps"))
    for size in a.sizes:
        if size not in a.full_sizes:
            continue
        for d in DIRS:
            b = bsize_for(size)
            cf = [Cfg("floor", "floor (bench-floor)",
                      lambda d=d, s=size: run_floor(T, A, TMP, d, s),
                      "writer", "reader", "slot %d" % b),
                  Cfg("copy", "ours -> ours, copy",
                      lambda d=d, s=size, b=b: run_ours(T, A, TMP, d, s,
                                                        "copy", "full", b),
                      "memif-perf tx", "memif-perf rx", "bsize %d" % b),
                  Cfg("inplace", "ours -> ours, in-place",
                      lambda d=d, s=size, b=b: run_ours(T, A, TMP, d, s,
                                                        "inplace", "full", b),
                      "memif-perf tx", "memif-perf rx", "bsize %d" % b)]
            groups.append(Group("full-%d-%s" % (size, d), "tput", d, size,
                                "full", cf, "floor", "gBps"))
    cf = [Cfg("eventfd", "raw eventfd ping-pong (epoll_wait)",
              lambda: run_pingpong(T, A, TMP, lat_n), "bench-pingpong",
              "bench-pingpong", "2 processes"),
          Cfg("interrupt", "memif-perf ping, interrupt",
              lambda: run_ping(T, A, TMP, "interrupt", lat_n),
              "memif-perf ping", "memif-perf echo", "both interrupt"),
          Cfg("edge", "memif-perf ping, interrupt (edge)",
              lambda: run_ping(T, A, TMP, "edge", lat_n),
              "memif-perf ping", "memif-perf echo",
              "both interrupt, edge-triggered epoll"),
          Cfg("polling", "memif-perf ping, polling",
              lambda: run_ping(T, A, TMP, "polling", lat_n),
              "memif-perf ping", "memif-perf echo", "both polling")]
    groups.append(Group("latency", "lat", "s2m", 64, "headers", cf,
                        "eventfd", "p50"))
    if a.only:
        rx = re.compile(a.only)
        groups = [g for g in groups if rx.search(g.name)]
    return groups


def run_all(groups, a):
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
                xlat = probe(T)
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


# ---- statistics and the table ---------------------------------------------

def vals(g, key, field=None):
    field = field or g.metric
    return [r[field] if r else None for r in g.res[key]]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rng(xs):
    xs = [x for x in xs if x is not None]
    return (min(xs), max(xs)) if xs else (None, None)


def ratios(g, key, base=None, field=None):
    a = vals(g, key, field)
    b = vals(g, base or g.base, field)
    return [x / y for x, y in zip(a, b) if x is not None and y]


def fmt(x, nd=2):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return ("%." + str(nd) + "f") % x


def fmt_range(lo, hi, nd=2):
    if lo is None:
        return "-"
    return "%s-%s" % (fmt(lo, nd), fmt(hi, nd))


def ratio_cell(rs):
    if not rs:
        return "-"
    m = statistics.median(rs)
    if len(rs) > 1:
        return "**%.2fx** (%.2f-%.2f)" % (m, min(rs), max(rs))
    return "**%.2fx**" % m


def failures(g, key):
    errs = [e for e in g.err[key] if e]
    return "%d/%d failed" % (len(errs), len(g.err[key])) if errs else ""


def tput_table(groups, fill):
    rows = []
    if fill == "headers":
        rows.append("| size | direction | pair (sender -> receiver) | buffers "
                    "| Mpps median | Mpps min-max | Gbps median | ratio / "
                    "DPDK->DPDK (median of per-pair) | our side idle | notes |")
        rows.append("|---:|---|---|---|---:|---:|---:|---:|---:|---|")
    else:
        rows.append("| size | direction | pair (writer -> reader) | buffers "
                    "| GB/s median | GB/s min-max | Mpps median | ratio / "
                    "floor (median of per-pair) | notes |")
        rows.append("|---:|---|---|---|---:|---:|---:|---:|---|")
    for g in groups:
        if g.kind != "tput" or g.fill != fill:
            continue
        for c in g.cfgs:
            notes = []
            f = failures(g, c.key)
            if f:
                notes.append(f + ": " + next(e for e in g.err[c.key] if e)[:120])
            for r in g.res[c.key]:
                if r:
                    for n in r.get("notes", []):
                        if n not in notes:
                            notes.append(n)
            note = "; ".join(notes).replace("|", "/")
            if c.key == g.base:
                rc = "1 (base)"
            else:
                rc = ratio_cell(ratios(g, c.key))
            if fill == "headers":
                mp = vals(g, c.key, "mpps")
                idle = ""
                ie = med(vals(g, c.key, "rx_empty")) if c.key == "dpdk2ours" \
                    else None
                it = med(vals(g, c.key, "tx_full")) if c.key == "ours2dpdk" \
                    else None
                if ie is not None:
                    idle = "rx %.0f%% empty polls" % ie
                if it is not None:
                    idle = "tx %.0f%% ring full" % it
                lo, hi = rng(mp)
                rows.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                            % (g.size, DIR_LABEL[g.direction], c.label,
                               c.info, fmt(med(mp), 3), fmt_range(lo, hi),
                               fmt(med(vals(g, c.key, "gbps"))), rc, idle,
                               note))
            else:
                gb = vals(g, c.key, "gBps")
                lo, hi = rng(gb)
                rows.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s |"
                            % (g.size, DIR_LABEL[g.direction], c.label,
                               c.info, fmt(med(gb)), fmt_range(lo, hi),
                               fmt(med(vals(g, c.key, "mpps")), 3), rc, note))
    return "\n".join(rows)


def lat_table(groups):
    rows = ["| round trip (slave pings, master echoes) | p50 us median | "
            "p50 min-max | p99 us median | ratio p50 / eventfd (median of "
            "per-pair) | notes |",
            "|---|---:|---:|---:|---:|---|"]
    for g in groups:
        if g.kind != "lat":
            continue
        for c in g.cfgs:
            p50 = [x / 1e3 if x is not None else None
                   for x in vals(g, c.key, "p50")]
            p99 = [x / 1e3 if x is not None else None
                   for x in vals(g, c.key, "p99")]
            lo, hi = rng(p50)
            rc = "1 (base)" if c.key == g.base else ratio_cell(
                ratios(g, c.key))
            notes = []
            f = failures(g, c.key)
            if f:
                notes.append(f)
            for r in g.res[c.key]:
                if r:
                    notes += [n for n in r.get("notes", []) if n not in notes]
            rows.append("| %s | %s | %s | %s | %s | %s |"
                        % (c.label, fmt(med(p50)), fmt_range(lo, hi),
                           fmt(med(p99)), rc, "; ".join(notes)))
    return "\n".join(rows)


def find(groups, name):
    for g in groups:
        if g.name == name:
            return g
    return None


def goals(groups, sc):
    """(goal, measured, verdict) lines for the issue's goals."""
    out = []
    gp = good_placement(groups)

    def verdict(ok):
        return "met" if ok else "**not met**"

    for d in DIRS:
        g = find(groups, "hdr-64-%s" % d)
        if not g:
            continue
        for key in ("copy", "inplace"):
            rs = ratios(g, key)
            if rs:
                m = statistics.median(rs)
                out.append(("64 B headers %s, %s: >= 3x DPDK->DPDK"
                            % (DIR_LABEL[d], key), "%.2fx" % m,
                            verdict(m >= 3)))
            mp = med(vals(g, key, "mpps"))
            lo, hi = rng(vals(g, key, "mpps"))
            if mp is not None:
                good = [r["mpps"] for r in g.res[key] if r and gp and
                        r.get("xlat") and r["xlat"] <= gp]
                gm = med(good)
                out.append(("64 B headers %s, %s: >= 40 Mpps median in good "
                            "placement" % (DIR_LABEL[d], key),
                            "%s in good placement (%d of %d runs with the "
                            "probe <= %.0f ns); all runs %.1f Mpps, max "
                            "%.1f" % ("%.1f Mpps" % gm if gm is not None
                                      else "no run", len(good),
                                      len([r for r in g.res[key] if r]),
                                      gp or 0, mp, hi),
                            verdict(gm is not None and gm >= 40)))
    for size in (1500, 9000):
        for d in DIRS:
            g = find(groups, "hdr-%d-%s" % (size, d))
            if not g:
                continue
            for key in ("copy", "inplace"):
                rs = ratios(g, key)
                if rs:
                    m = statistics.median(rs)
                    out.append(("%d B headers %s, %s: >= 1.5x DPDK->DPDK"
                                % (size, DIR_LABEL[d], key), "%.2fx" % m,
                                verdict(m >= 1.5)))
            g = find(groups, "full-%d-%s" % (size, d))
            if not g:
                continue
            for key in ("copy", "inplace"):
                rs = ratios(g, key)
                if rs:
                    m = statistics.median(rs)
                    out.append(("%d B full payload %s, %s: >= 70%% of the "
                                "floor's GB/s" % (size, DIR_LABEL[d], key),
                                "%.0f%%" % (100 * m), verdict(m >= 0.7)))
    worst = None
    for g in groups:
        if g.kind != "tput" or g.fill != "headers":
            continue
        for key in ("ours2dpdk", "dpdk2ours"):
            if key not in g.res:
                continue
            rs = ratios(g, key)
            if rs:
                m = statistics.median(rs)
                if worst is None or m < worst[0]:
                    worst = (m, "%d B %s %s" % (g.size, DIR_LABEL[g.direction],
                                                key))
    if worst:
        out.append(("against testpmd, DPDK the slower side: every mixed "
                    "pair >= DPDK->DPDK (1.0x; 0.9x within noise)",
                    "lowest %.2fx (%s)" % worst,
                    "met" if worst[0] >= 1.0 else
                    ("met within noise" if worst[0] >= 0.9 else
                     "**not met**")))
    g = find(groups, "latency")
    if g:
        for key, what in (("interrupt", "interrupt"),
                          ("edge", "interrupt (edge)")):
            rs = ratios(g, key)
            if rs:
                m = statistics.median(rs)
                out.append(("%s round trip <= 1.1x raw eventfd ping-pong "
                            "(p50)" % what, "%.2fx" % m, verdict(m <= 1.1)))
    raw = (sc or {}).get("eventfd", {}).get("ping", {})
    rw = wake_stats(raw)
    for kind, what in (("interrupt", "interrupt mode"),
                       ("edge", "interrupt (edge) mode")):
        if not sc or kind not in sc:
            continue
        for side in ("ping", "echo"):
            w = wake_stats(sc[kind].get(side, {}))
            if w is None:
                out.append(("%s: <= 1 syscall per wake-up, %s side"
                            % (what, side), "no sleeps counted (the peer "
                            "always answered before this side slept)",
                            "-"))
                continue
            out.append(("%s: <= 1 syscall per wake-up, %s side "
                        "(receive-path syscalls, i.e. waits + eventfd "
                        "reads, per wait)"
                        % (what, "slave/ping" if side == "ping"
                           else "master/echo"),
                        "%.2f per wake-up, %.2f wake-ups and %.2f syscalls "
                        "per round trip (raw ping-pong: %s per wake-up)"
                        % (w[0], w[1], w[2],
                           "%.2f" % rw[0] if rw else "-"),
                        verdict(w[0] <= 1.05)))
    return out


WAITS = ("poll", "ppoll", "epoll_wait", "epoll_pwait")


def wake_stats(d):
    """(receive-path syscalls per wake-up, wake-ups per round trip, all
    syscalls per round trip) from per-round-trip counts; None without
    sleeps.  A wake-up is a return from a wait (poll/epoll); its receive
    path is that wait plus the eventfd reads that clear the signal."""
    waits = sum(d.get(k, 0) for k in WAITS)
    if waits < 0.05:
        return None
    return ((waits + d.get("read", 0)) / waits, waits, d.get("all", 0))


def sc_table(sc):
    if not sc:
        return ""
    rows = ["| round trip | side | syscalls per round trip | by name |",
            "|---|---|---:|---|"]
    labels = {"eventfd": "raw eventfd ping-pong (each side; both "
              "processes counted together, halved)",
              "interrupt": "memif-perf, interrupt",
              "edge": "memif-perf, interrupt (edge)",
              "polling": "memif-perf, polling"}
    for kind in ("eventfd", "interrupt", "edge", "polling"):
        if kind not in sc:
            continue
        for side in ("ping", "echo"):
            if kind == "eventfd" and side == "echo":
                continue
            d = sc[kind].get(side, {})
            named = {k: v for k, v in d.items() if k != "all" and v >= 0.02}
            other = d.get("all", 0) - sum(named.values())
            if other >= 0.02:
                named["other"] = other
            rows.append("| %s | %s | %.2f | %s |" % (
                labels[kind], "each" if kind == "eventfd" else side,
                d.get("all", 0),
                ", ".join("%s %.2f" % (k, v) for k, v in
                          sorted(named.items(), key=lambda kv: -kv[1]))
                or "-"))
    return "\n".join(rows)


def cpu_table(groups):
    """Per-packet perf stat counts (medians over the repetitions), one row
    per pair that has them."""
    evs = [e for e in (PERF_EVENTS or "").split(",") if e]
    if not evs:
        return ""
    head = "| size | direction | pair | " + " | ".join(
        "%s %s/pkt" % (side, e) for side in ("tx", "rx") for e in evs) + " |"
    rows = [head, "|---:|---|---|" + "---:|" * (2 * len(evs))]
    for g in groups:
        if g.kind != "tput":
            continue
        for c in g.cfgs:
            cpus = [r.get("cpu") for r in g.res[c.key] if r and r.get("cpu")]
            if not cpus:
                continue
            cells = []
            for side in ("tx", "rx"):
                for e in evs:
                    k = e.split(":", 1)[-1]
                    v = med([x.get(side, {}).get(k) for x in cpus])
                    cells.append("-" if v is None else "%.3g" % v)
            rows.append("| %d | %s | %s%s | %s |" % (
                g.size, DIR_LABEL[g.direction], c.label,
                " (full payload)" if g.fill == "full" else "",
                " | ".join(cells)))
    return "\n".join(rows) if len(rows) > 2 else ""


# ---- plot ------------------------------------------------------------------

def plot(groups, t, path, tmp):
    if not t.gnuplot:
        return "gnuplot not found (apt-get install gnuplot-nox): no plot"
    series = [("dpdk", "headers", "DPDK -> DPDK (headers)", 1),
              ("copy", "headers", "ours copy (headers)", 2),
              ("inplace", "headers", "ours in-place (headers)", 3),
              ("ours2dpdk", "headers", "ours -> DPDK (headers)", 4),
              ("dpdk2ours", "headers", "DPDK -> ours (headers)", 5),
              ("floor", "full", "floor, write+read (full)", 6),
              ("copy", "full", "ours copy (full payload)", 7),
              ("inplace", "full", "ours in-place (full payload)", 8)]
    files = {}
    for d in DIRS:
        for key, fill, label, _ in series:
            lines = []
            for size in SIZES:
                g = find(groups, "%s-%d-%s" % ("hdr" if fill == "headers"
                                               else "full", size, d))
                if not g or key not in g.res:
                    continue
                cols = []
                for field in ("mpps", "gbps"):
                    v = vals(g, key, field)
                    m = med(v)
                    lo, hi = rng(v)
                    if m is None:
                        break
                    cols += [m, lo, hi]
                if len(cols) == 6:
                    lines.append("%d %s" % (size, " ".join("%g" % x
                                                           for x in cols)))
            if lines:
                fn = os.path.join(tmp, "plot-%s-%s-%s.dat" % (d, key, fill))
                with open(fn, "w") as f:
                    f.write("\n".join(lines) + "\n")
                files[(d, key, fill)] = fn
    if not files:
        return "no throughput data to plot"
    gp = ["set terminal pngcairo size 1400,1100 font ',10'",
          "set output '%s'" % path,
          "set multiplot layout 2,2 title 'memif throughput vs frame size, "
          "one queue, polling (medians; bars = min-max over the "
          "repetitions; dashed = whole payload written and read)'",
          "set logscale xy", "set xtics (64, 1500, 9000)",
          "set xlabel 'frame size (bytes)'",
          "set grid", "set key right top font ',8'",
          "set xrange [50:12000]"]
    for ycol, ylabel in ((2, "Mpps"), (5, "Gbps (frame bytes)")):
        for d in DIRS:
            plots = []
            for key, fill, label, lt in series:
                fn = files.get((d, key, fill))
                if fn:
                    dash = "dt 2" if fill == "full" else "dt 1"
                    plots.append("'%s' using 1:%d:%d:%d with yerrorlines "
                                 "lt %d %s lw 2 title '%s'"
                                 % (fn, ycol, ycol + 1, ycol + 2, lt, dash,
                                    label))
            if plots:
                gp.append("set key %s font ',8'" % ("left bottom" if ycol == 2
                                                     else "left top"))
                gp.append("set ylabel '%s'" % ylabel)
                gp.append("set title '%s, %s'" % (DIR_LABEL[d], ylabel))
                gp.append("plot " + ", ".join(plots))
    gp.append("unset multiplot")
    script = os.path.join(tmp, "plot.gp")
    with open(script, "w") as f:
        f.write("\n".join(gp) + "\n")
    r = subprocess.run([t.gnuplot, script], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode:
        return "gnuplot failed: %s" % r.stderr.strip()[:300]
    return None


# ---- host --------------------------------------------------------------------

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    return ln.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def dpdk_version(t):
    try:
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}",
                            "dpdk"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        if r.returncode == 0 and r.stdout.strip():
            return "DPDK " + r.stdout.strip() + " (Debian package dpdk)"
    except OSError:
        pass
    return "dpdk-testpmd at %s" % t.testpmd


def git_rev():
    try:
        r = subprocess.run(["git", "-C", ROOT, "describe", "--always",
                            "--dirty"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        return r.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def cpu_seconds():
    """(busy cpu seconds of the whole machine, cpu seconds of this script
    and every child it has reaped).  Their difference over a run is what
    other processes took: the load average cannot say, since the
    benchmark's own pinned pollers keep it near 2."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        busy = (sum(v) - v[3] - v[4]) / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None
    own = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        own += r.ru_utime + r.ru_stime
    return busy, own


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


# ---- main --------------------------------------------------------------------

def raw_table(groups):
    rows = ["| group | pair | unit | per repetition: figure (cross-core "
            "one-way ns just before the run) |", "|---|---|---|---|"]
    for g in groups:
        for c in g.cfgs:
            unit = {"mpps": "Mpps", "gBps": "GB/s", "p50": "ns p50"}[g.metric]
            cells = []
            for r in g.res[c.key]:
                if not r:
                    cells.append("failed")
                    continue
                x = r.get("xlat")
                cells.append("%s (%s)" % (fmt(r[g.metric], 3),
                                          "?" if x is None else "%.0f" % x))
            rows.append("| %s | %s | %s | %s |" % (g.name, c.label, unit,
                                                   ", ".join(cells)))
    return "\n".join(rows)


def good_placement(groups):
    """The probe threshold (ns) under which a run counts as in good
    placement: twice the 10th percentile of every probe of the benchmark.
    The host's placements differ by about 2-4x (here ~30, ~70 and ~280 ns
    one way), so this keeps the fast ones and drops the slow one, without a
    threshold tied to one machine."""
    xs = sorted(r["xlat"] for g in groups for rs in g.res.values()
                for r in rs if r and r.get("xlat"))
    if not xs:
        return None
    return 2 * xs[int(0.1 * (len(xs) - 1))]


def main():
    global verbose, T, A, TMP, CPUS, PERF_EVENTS
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
    MP_EXTRA[:] = a.mp_extra.split()
    verbose = a.verbose
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
    CPUS = tuple(int(x) for x in a.cpus.split(","))
    if len(CPUS) != 2:
        ap.error("--cpus wants two cpus")
    cmdline = "bench/run-bench.py " + " ".join(shlex.quote(x)
                                                for x in sys.argv[1:])

    signal.signal(signal.SIGTERM, lambda s, f: (kill_all(), sys.exit(1)))
    if not a.no_build:
        build(a)
    T = Tools(a)
    A = a
    for exe in (T.mp, T.floor, T.pingpong):
        if not os.access(exe, os.X_OK):
            sys.exit("missing %s (build it, or drop --no-build)" % exe)
    if not T.testpmd:
        sys.exit("dpdk-testpmd not found (Debian: apt-get install dpdk)")
    avail = sorted(os.sched_getaffinity(0))
    if any(c not in avail for c in CPUS):
        sys.exit("cpus %s not all available (have %s)" % (CPUS, avail))
    TMP = tempfile.mkdtemp(prefix="memif-bench-")
    os.makedirs(a.out_dir, exist_ok=True)
    pstat_ok, pstat_msg = perf_stat_works(T)
    PERF_EVENTS = a.perf_events or ("cycles,instructions" if pstat_ok
                                    else None)

    started = datetime.datetime.now().astimezone()
    load0 = loadavg()
    cpu0 = cpu_seconds()
    groups = make_groups(T, a)
    n_runs = sum(len(g.cfgs) for g in groups) * a.reps
    log("%d groups, %d runs of ~%.1f s (+ start-up), load average %s"
        % (len(groups), n_runs, a.seconds + a.warmup, load0))
    if float(load0.split()[0]) > 1.0:
        log("WARNING: load average above 1: other processes share the cpus "
            "and the figures will be unreliable")
    try:
        run_all(groups, a)
        sc = {}
        sc_err = []
        if not a.no_syscalls and (not a.only or
                                  re.search(a.only, "latency")):
            n1, n2 = (1000, 3000) if q else (2000, 10000)
            for kind in ("eventfd", "interrupt", "edge", "polling"):
                try:
                    log("perf stat: syscalls per round trip, %s" % kind)
                    sc[kind] = syscalls_per_rt(T, a, TMP, kind, n1, n2)
                except (RunError, OSError, ValueError,
                        subprocess.SubprocessError) as e:
                    log("syscall count %s failed: %s" % (kind, e))
                    sc_err.append("%s: %s" % (kind, e))
                finally:
                    kill_all()
    except KeyboardInterrupt:
        kill_all()
        sys.exit(130)
    finished = datetime.datetime.now().astimezone()
    load1 = loadavg()
    cpu1 = cpu_seconds()

    png = os.path.join(a.out_dir, "throughput.png")
    perr = plot(groups, T, png, TMP)
    hdr = tput_table(groups, "headers")
    full = tput_table(groups, "full")
    lat = lat_table(groups)
    sct = sc_table(sc)
    gl = goals(groups, sc)
    glt = "\n".join(["| goal (issue 3) | measured | verdict |",
                     "|---|---|---|"] +
                    ["| %s | %s | %s |" % x for x in gl])

    quick_banner = ""
    if q or a.only or a.reps < 3:
        quick_banner = (
            "> **%s.** %s This is a smoke test of the benchmark, not a "
            "measurement: re-run without options on a quiet machine.\n"
            % ("Quick run" if q else "Partial run",
               "%d repetition(s) of %g s per pair%s, load average %s at the "
               "start." % (a.reps, a.seconds,
                           ", groups matching '%s'" % a.only if a.only
                           else "", load0)))

    # Quiet = little load before the start, and other processes took
    # little cpu time during the run (the load average at the end counts
    # our own pinned pollers, so it is reported but not judged).
    busy = ""
    others = None
    wall = (finished - started).total_seconds()
    if cpu0 and cpu1 and wall > 0:
        others = max(0.0, (cpu1[0] - cpu0[0]) - (cpu1[1] - cpu0[1])) / (
            wall * (os.cpu_count() or 1))
    try:
        l0 = float(load0.split()[0])
        if l0 > 1.0 or (others is not None and others > 0.05):
            busy = ("> **The machine was not quiet**: load average %.2f at "
                    "the start; other processes took %s of the cpu time "
                    "during the run. They time-sliced the pinned, "
                    "busy-polling pairs, so both ends often waited for a "
                    "descheduled peer: figures and ratios are "
                    "unreliable.\n" % (l0, "%.1f%%" % (100 * others)
                                       if others is not None else "?"))
    except (ValueError, IndexError):
        pass

    md = []
    md.append("# memif-native vs DPDK net_memif: benchmark results\n")
    md.append(quick_banner)
    md.append(busy)
    md.append("Regenerate with:\n\n```\n%s\n```\n" % cmdline)
    md.append("| | |\n|---|---|")
    md.append("| date | %s (%.0f min) |" % (
        started.strftime("%Y-%m-%d %H:%M %Z"),
        (finished - started).total_seconds() / 60))
    md.append("| host | %s, nproc %d, kernel %s |" % (
        cpu_model(), os.cpu_count(), platform.release()))
    md.append("| load average | %s at the start, %s at the end (the "
              "benchmark's own pinned pollers count in it) |"
              % (load0, load1))
    md.append("| other processes | %s of the cpu time during the run |"
              % ("%.1f%%" % (100 * others) if others is not None else "?"))
    md.append("| peer | %s |" % dpdk_version(T))
    md.append("| memif-native | %s, release build (%s) |"
              % (git_rev(), os.path.relpath(T.build, ROOT)))
    md.append("| method | %d interleaved repetitions per comparison, %g s "
              "measured per run after %g s warm-up; master/server pinned to "
              "cpu %d, slave/client to cpu %d; ring 2^%d slots, burst %d, "
              "one queue, polling |" % (a.reps, a.seconds, a.warmup, CPUS[0],
                                        CPUS[1], RING_LOG2, BURST))
    md.append("| perf stat | %s%s |" % (
        pstat_msg, "; per-packet counts below" if PERF_EVENTS else
        ": no cycles or instructions per packet"))
    md.append("")
    md.append("## Throughput, headers only\n")
    md.append("Sender writes only the Ethernet/IPv4/UDP headers (and "
              "memif-perf its 22-byte test header), receiver reads only "
              "those: what testpmd txonly/rxonly do. DPDK rows are always "
              "headers only (txonly/rxonly have no full-payload mode). DPDK "
              "copies every frame byte between its mbufs and the memif "
              "buffers on both sides; memif-perf's copy path copies the frame "
              "from a staging buffer into the ring (memif_tx_burst), the "
              "in-place path builds it in the ring (memif_tx_alloc/commit), "
              "and its receiver reads in place. 9000 B frames use single "
              "9216-byte buffers on both sides (DPDK's chained copy-mode "
              "TX miscounts free slots); the chained rows use 2048-byte "
              "buffers. Ratio = median over the repetitions of (this run / "
              "the DPDK -> DPDK run of the same repetition). \"Our side "
              "idle\": in DPDK -> ours, the share of our receive polls that "
              "found the ring empty; in ours -> DPDK, the share of our "
              "transmit bursts that found the ring full; high = we waited "
              "for DPDK.\n")
    md.append(hdr + "\n")
    if full.count("\n") > 1:
        md.append("## Throughput, whole payload written and read\n")
        md.append("memif-perf --fill full: the sender writes every byte "
                  "(64-bit words), the receiver reads and checksums every "
                  "byte. The floor is bench-floor: the same words written by "
                  "one core into a ring of 1024 slots of the same size in "
                  "shared memory and summed by the other, slots handed over "
                  "%d at a time with one release/acquire index pair, no "
                  "protocol. Ratio = our GB/s / the floor's GB/s, median of "
                  "per-pair ratios.\n" % BURST)
        md.append(full + "\n")
    if lat.count("\n") > 1:
        md.append("## Latency\n")
        md.append("Round trip of one 64-byte frame, %d per run: memif-perf "
                  "ping (slave, cpu %d) -> memif-perf echo (master, cpu %d); "
                  "raw = bench-pingpong, two processes on the same cpus, one "
                  "eventfd each way, each side in epoll_wait, then read, then "
                  "write the other's eventfd.\n"
                  % (a.ping_count, CPUS[1], CPUS[0]))
        md.append(lat + "\n")
        if sc_err:
            md.append("Syscall count failed: %s\n" % "; ".join(sc_err))
        if sct:
            md.append("Syscalls per round trip on each side (perf stat on "
                      "the syscall tracepoints, at %d and %d round trips, "
                      "the difference divided; separate runs, not timed):\n"
                      % ((1000, 3000) if q else (2000, 10000)))
            md.append(sct + "\n")
    cput = cpu_table(groups)
    if cput:
        md.append("## CPU cost per packet (perf stat)\n")
        md.append("perf stat -e %s -p attached to each side (all its "
                  "threads) during the measured window, divided by the "
                  "packets the pair moved in it (DPDK -> DPDK and ours -> "
                  "ours rows). Both sides poll, so the counts include the "
                  "spinning of whichever side waits.\n" % PERF_EVENTS)
        md.append(cput + "\n")
    md.append("## Goals\n")
    md.append(glt + "\n")
    if perr:
        md.append("Plot: %s\n" % perr)
    else:
        md.append("![throughput vs frame size](throughput.png)\n")
    md.append("## Per-repetition figures\n")
    md.append(raw_table(groups) + "\n")
    text = "\n".join(md)
    # The "## Scale" section is memif-scale's (bench/scale-plot.py), not
    # ours: carried over from the file we replace.
    try:
        with open(os.path.join(a.out_dir, "RESULTS.md")) as f:
            old = f.read()
        at = old.find("\n## Scale\n")
        if at >= 0:
            text = text.rstrip("\n") + "\n" + old[at:]
    except OSError:
        pass
    with open(os.path.join(a.out_dir, "RESULTS.md"), "w") as f:
        f.write(text)
    print("\n".join([quick_banner.strip(), busy.strip(), "HEADERS ONLY",
                     hdr, "",
                     cput,
                     "FULL PAYLOAD", full, "", "LATENCY", lat, "", sct, "",
                     "GOALS", glt, ""]))
    log("wrote %s and %s" % (os.path.join(a.out_dir, "RESULTS.md"),
                             png if not perr else "(no plot: %s)" % perr))
    shutil.rmtree(TMP, ignore_errors=True)


T = A = TMP = None
CPUS = (0, 1)
PERF_EVENTS = None  # perf stat events counted per packet, when they work

if __name__ == "__main__":
    main()
