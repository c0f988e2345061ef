#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memif-perf serve mode: echo with --duration 0 and no --count stays up
across peer disconnects and serves one connection after another.

usage: test-echo-persist.py path/to/memif-perf [master|slave|both]

  master  memif-perf --master echo --duration 0 on an abstract socket; three
          memif-perf slaves in a row connect, run a counted ping or tx and
          exit: a ping (1 queue pair), a tx of 9000-byte chained frames
          without framing (--raw: foreign payloads to the reflector), and a
          ping that asks for 2 queue pairs; each must get every packet back
          intact, and the reflector must still be alive after each.
          SIGTERM then ends it: exit 0 within a few seconds, a summary with
          the totals of the three connections.
  slave   the same with the roles swapped: memif-perf --slave echo
          --duration 0 (asking for 2 queue pairs: the slave decides) and
          three masters in a row, each started after the previous exited.
  both    (default) master, then slave
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

EXE = sys.argv[1]
GROUP = sys.argv[2] if len(sys.argv) > 2 else "both"
failures = []

PING = 1000
TX = 2000


def clients(server_queues):
    """(name, args, packets, check) for the three peers in turn."""
    def ping_ok(j, queues):
        p = []
        lat = j["latency_ns"]
        if lat["samples"] != PING or lat["timeouts"]:
            p.append("%d round trips, %d timeouts, want %d and 0"
                     % (lat["samples"], lat["timeouts"], PING))
        if j["rx"]["corrupt"] or j["rx"]["loss"]:
            p.append("ping saw loss/corruption: %r" % j["rx"])
        n = j["negotiated"]
        if (n["rx_queues"], n["tx_queues"]) != (queues, queues):
            p.append("negotiated %r, want %d queue pairs" % (n, queues))
        return p

    def tx_ok(j, queues):
        p = []
        if j["tx"]["packets"] != TX or j["rx"]["packets"] != TX:
            p.append("sent %d, got back %d, want %d"
                     % (j["tx"]["packets"], j["rx"]["packets"], TX))
        for k in ("loss", "reorder", "corrupt", "foreign"):
            if j["rx"][k]:
                p.append("reflections: %s %d" % (k, j["rx"][k]))
        return p

    third = 2 if server_queues is None else server_queues
    first = 1 if server_queues is None else server_queues
    return [
        ("ping", ["ping", "--count", str(PING)], PING,
         lambda j: ping_ok(j, first)),
        ("tx-9000-raw", ["tx", "--raw", "--size", "9000", "--fill", "full",
                         "--count", str(TX)], TX,
         lambda j: tx_ok(j, first)),
        ("ping-2q", ["ping", "--count", str(PING), "--queues", "2"], PING,
         lambda j: ping_ok(j, third)),
    ]


def run_peers(server, server_role, common, server_queues, problems, log):
    """Each client in turn against the serving @server; the packets they
    moved in all."""
    peer_role = "slave" if server_role == "master" else "master"
    total = 0
    for cname, args, packets, check in clients(server_queues):
        ccmd = [EXE, "--" + peer_role] + common + args
        log.append("peer %s: %s" % (cname, " ".join(ccmd)))
        try:
            r = subprocess.run(ccmd, capture_output=True, text=True,
                               timeout=60)
        except subprocess.TimeoutExpired:
            problems.append("%s: no exit within 60 s" % cname)
            break
        if r.returncode != 0:
            problems.append("%s: exit %d\n%s" % (cname, r.returncode,
                                                 r.stderr))
        try:
            j = json.loads(r.stdout)
            problems += ["%s: %s" % (cname, p) for p in check(j)]
        except ValueError:
            problems.append("%s: no JSON\n%s" % (cname, r.stderr))
        total += packets
        # The reflector noticed the peer go and is waiting again.
        time.sleep(0.3)
        if server.poll() is not None:
            problems.append("the serving %s exited (%d) after %s"
                            % (server_role, server.returncode, cname))
            break
        if problems:
            break
    return total


def stop_server(server, problems, log):
    """SIGTERM: the server must exit 0 within 5 s."""
    if server.poll() is not None:
        return
    t0 = time.monotonic()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=5)
        log.append("SIGTERM: exit %d after %.2f s"
                   % (server.returncode, time.monotonic() - t0))
        if server.returncode != 0:
            problems.append("SIGTERM: exit %d, want 0"
                            % server.returncode)
    except subprocess.TimeoutExpired:
        problems.append("SIGTERM: still running after 5 s")


def check_summary(so, se, total, problems):
    """The server's summary: totals over the three connections."""
    try:
        j = json.loads(so)
    except ValueError:
        problems.append("the server printed no JSON summary")
        return
    rx, tx = j["rx"], j["tx"]
    if j.get("sessions") != 3:
        problems.append("summary: sessions %r, want 3"
                        % j.get("sessions"))
    if rx["packets"] != total or tx["packets"] != total:
        problems.append("summary: rx %d, tx %d packets, want %d "
                        "both (totals over the connections)"
                        % (rx["packets"], tx["packets"], total))
    # The raw frames carry no memif-perf framing: foreign to the
    # reflector, echoed all the same.
    if rx["foreign"] != TX or rx["corrupt"] or rx["loss"]:
        problems.append("summary: foreign %d (want %d), corrupt "
                        "%d, loss %d" % (rx["foreign"], TX,
                                         rx["corrupt"], rx["loss"]))
    gone = se.count("waiting for the next connection")
    if gone != 3:
        problems.append("%d 'waiting for the next connection' "
                        "lines, want 3" % gone)


def scenario(server_role):
    sock = "@memif-perf-persist-%d-%s" % (os.getpid(), server_role)
    common = ["--socket", sock, "--quiet", "--json", "--wait-timeout", "20"]
    # A slave decides the queues: the serving slave asks for 2 pairs, and
    # the masters follow.
    server_queues = None if server_role == "master" else 2
    cmd = [EXE, "--" + server_role] + common + ["echo", "--duration", "0"]
    if server_queues:
        cmd += ["--queues", str(server_queues)]
    out = tempfile.TemporaryFile(mode="w+")
    err = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
    name = "serve-as-" + server_role
    problems = []
    log = ["server: " + " ".join(cmd)]
    try:
        total = run_peers(server, server_role, common, server_queues,
                          problems, log)
        stop_server(server, problems, log)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    out.seek(0)
    err.seek(0)
    so, se = out.read(), err.read()
    if not problems:
        check_summary(so, se, total, problems)
    print("%-28s %s" % (name, "FAIL" if problems else "ok"))
    for line in log:
        print("  " + line)
    if problems:
        for p in problems:
            print("  problem: " + p)
        print("  --- server stderr ---\n" + se)
        print("  --- server stdout ---\n" + so)
        failures.append(name)


if GROUP in ("master", "both"):
    scenario("master")
if GROUP in ("slave", "both"):
    scenario("slave")
if GROUP not in ("master", "slave", "both"):
    print("unknown group %r (master, slave, both)" % GROUP)
    sys.exit(2)

if failures:
    print("%d failed: %s" % (len(failures), ", ".join(failures)))
    sys.exit(1)
print("all passed")
