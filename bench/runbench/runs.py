# SPDX-License-Identifier: MIT
"""One run of each kind.  Each returns a dict: value (the figure compared:
Mpps, GB/s or ns), mpps, gbps, plus optional notes/extra.  Failures raise
RunError."""

import json
import os
import subprocess
import time

from .common import (BURST, JUMBO_BSIZE, RING_LOG2, S, RunError, next_id,
                     vlog)
from .peers import (MemifPerf, check_ours, start_testpmd, tx_full_pct,
                    wait_links)
from .perfstat import PerfAttach

import testpmd


def roles_for(direction):
    """(tx role, rx role, tx cpu, rx cpu): master/server on cpus[0]."""
    c0, c1 = S.cpus
    if direction == "s2m":
        return "slave", "master", c1, c0
    return "master", "slave", c0, c1


def bsize_for(size, chain=False):
    if chain or size <= 2048:
        return 2048
    return JUMBO_BSIZE


def measure_tp(t, a, tmp, tp, which, others=None):
    """Rate from two port-counter snapshots a.seconds apart, after a
    warm-up; which = 'rx' or 'tx'.  others: {side: Popen} to count cycles
    on (perf stat) over the same window.  Also the bytes per frame that
    testpmd received meanwhile (None if none)."""
    time.sleep(a.warmup)
    t0, r0, x0, b0 = tp.port_stats()
    pa = PerfAttach(t, tmp, others or {}, a.seconds)
    time.sleep(a.seconds)
    t1, r1, x1, b1 = tp.port_stats()
    n = (r1 - r0) if which == "rx" else (x1 - x0)
    rate = n / (t1 - t0)
    rx_frame = (b1 - b0) / float(r1 - r0) if r1 > r0 else None
    return rate, n, pa.result(rate), rx_frame


def run_ours(t, a, tmp, direction, size, path, fill, bsize, slave_extra=(),
             rx_extra=(), ring_log2=RING_LOG2):
    """memif-perf tx -> memif-perf rx; @slave_extra: more arguments for the
    slave (--zero-copy, --hugepages), @rx_extra for the receiver (--rx-path
    pieces)."""
    tx_role, rx_role, tx_cpu, rx_cpu = roles_for(direction)
    sock = "@mnbench-%d-%d" % (os.getpid(), next_id())
    notes = []
    kw = {"ring_log2": ring_log2}
    tx_kw = dict(kw, extra=slave_extra if tx_role == "slave" else ())
    rx_kw = dict(kw, extra=tuple(rx_extra) +
                 tuple(slave_extra if rx_role == "slave" else ()))
    # The master starts first (it listens); the receiver runs until the
    # sender's --duration ends and it disconnects.
    dur = a.seconds + a.warmup
    if rx_role == "master":
        rx = MemifPerf(t, tmp, "rx", "master", "rx", sock, rx_cpu, size,
                       bsize, fill=fill, duration=0, **rx_kw)
        if not testpmd.wait_listening(sock, 10):
            raise RunError("memif-perf master not listening")
        tx = MemifPerf(t, tmp, "tx", "slave", "tx", sock, tx_cpu, size,
                       bsize, path=path, fill=fill, duration=dur, **tx_kw)
    else:
        tx = MemifPerf(t, tmp, "tx", "master", "tx", sock, tx_cpu, size,
                       bsize, path=path, fill=fill, duration=dur, **tx_kw)
        if not testpmd.wait_listening(sock, 10):
            raise RunError("memif-perf master not listening")
        rx = MemifPerf(t, tmp, "rx", "slave", "rx", sock, rx_cpu, size,
                       bsize, fill=fill, duration=0, **rx_kw)
    pa = None
    if S.perf_events:
        time.sleep(a.warmup + 0.2)
        pa = PerfAttach(t, tmp, {"tx": tx.p, "rx": rx.p}, a.seconds * 0.8)
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


def run_dpdk(t, a, tmp, direction, size, bsize, zero_copy=False):
    """testpmd txonly -> testpmd rxonly; server (master) on cpus[0];
    @zero_copy: the client lends its mbufs (zero-copy=yes)."""
    sock = os.path.join(tmp, "dpdk-%d.sock" % next_id())
    c0, c1 = S.cpus
    srv_fwd, cli_fwd = (("rxonly", "txonly") if direction == "s2m"
                        else ("txonly", "rxonly"))
    srv = start_testpmd(t, tmp, "testpmd-server", "server", c0, sock, bsize,
                        srv_fwd, size)
    cli = None
    try:
        srv.ready()
        cli = start_testpmd(t, tmp, "testpmd-client", "client", c1, sock,
                            bsize, cli_fwd, size, zero_copy=zero_copy)
        cli.ready()
        wait_links([srv, cli])
        rxp, txp = (srv, cli) if direction == "s2m" else (cli, srv)
        rxp.cmd("start")
        txp.cmd("start")
        pps, n, cpu, rx_frame = measure_tp(t, a, tmp, rxp, "rx",
                                           {"tx": txp.p, "rx": rxp.p})
        # stop both before either side disconnects (DPDK 22.11 unmaps on a
        # peer's DISCONNECT without stopping its lcore)
        txp.cmd("stop", timeout=30)
        rxp.cmd("stop", timeout=30)
    finally:
        rcs = []
        for tp in (cli, srv):
            if tp:
                rcs.append(tp.quit(raise_on_hang=False))
    notes = []
    if any(rc not in (0, None) for rc in rcs):
        notes.append("testpmd exit status %s" % rcs)
    if not n:
        raise RunError("testpmd rxonly received nothing")
    if rx_frame is not None and abs(rx_frame - size) > 0.5:
        notes.append("testpmd rxonly counted %.1f bytes per frame, not %d"
                     % (rx_frame, size))
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
        our_sock, tp_role = "@mnbench-%d-%d" % (os.getpid(), n), "client"
    else:
        our_sock, tp_role = os.path.join(tmp, "mixed-%d.sock" % n), "server"
    fwd = "rxonly" if ours_sends else "txonly"
    mode = "tx" if ours_sends else "rx"
    mp = tp = None
    tp_rc = None
    try:
        if our_role == "master":
            mp = MemifPerf(t, tmp, "ours", "master", mode, our_sock, our_cpu,
                           size, bsize, duration=0)
            if not testpmd.wait_listening(our_sock, 10):
                raise RunError("memif-perf master not listening")
        tp = start_testpmd(t, tmp, "testpmd", tp_role, tp_cpu, our_sock,
                           bsize, fwd, size)
        tp.ready()
        if our_role == "slave":
            mp = MemifPerf(t, tmp, "ours", "slave", mode, our_sock, our_cpu,
                           size, bsize, duration=0)
        wait_links([tp])
        tp.cmd("start")
        if ours_sends:
            pps, cnt, _, rx_frame = measure_tp(t, a, tmp, tp, "rx")
            if rx_frame is not None and abs(rx_frame - size) > 0.5:
                notes.append("testpmd rxonly counted %.1f bytes per frame, "
                             "not %d" % (rx_frame, size))
        else:
            # measured on our side: first to last frame received
            time.sleep(a.warmup + a.seconds)
        tp.cmd("stop", timeout=30)
        if not mp.alive():
            raise RunError("memif-perf ended early: %s" % mp.stderr_tail())
        mp.interrupt()
        res = mp.wait(30)
        tp_rc = tp.quit(raise_on_hang=False)
        tp = None
    finally:
        if tp:
            tp.quit(raise_on_hang=False)
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


def run_floor(t, a, tmp, direction, size, extra=()):
    """bench-floor in @direction's placement; @extra: more bench-floor
    options (--desc-s2m, --copy, --headers)."""
    tx_role, rx_role, tx_cpu, rx_cpu = roles_for(direction)
    argv = [t.floor, "--size", str(size), "--slot-size",
            str(bsize_for(size)), "--slots", str(1 << RING_LOG2),
            "--burst", str(BURST), "--seconds", "%g" % a.seconds,
            "--writer-cpu", str(tx_cpu), "--reader-cpu", str(rx_cpu)]
    argv += list(extra)
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
                            str(S.cpus[0]), "--reader-cpu", str(S.cpus[1])],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True, timeout=30)
        return json.loads(r.stdout)["one_way_ns"]
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return None


def run_pingpong(t, a, tmp, count):
    c0, c1 = S.cpus
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
    c0, c1 = S.cpus
    sock = "@mnbench-%d-%d" % (os.getpid(), next_id())
    echo = MemifPerf(t, tmp, "echo", "master", "echo", sock, c0, 64, 2048,
                     rx_mode=rx_mode, duration=0)
    if not testpmd.wait_listening(sock, 10):
        raise RunError("memif-perf echo not listening")
    ping = MemifPerf(t, tmp, "ping", "slave", "ping", sock, c1, 64, 2048,
                     path=path, rx_mode=rx_mode, count=count)
    res = ping.wait(120)
    # echo --duration 0 serves one peer after another: end it.
    echo.interrupt()
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
