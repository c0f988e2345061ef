#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memif-perf smoke test: run master/slave pairs of memif-perf on abstract
sockets and check their --json summaries: packets moved, no loss, no
corruption, both exit statuses 0.

usage: perf-smoke.py path/to/memif-perf [smoke|queues|args|zero-copy]

  smoke   (default) both directions, copy and in-place, chained buffers,
          polling, interrupt and edge, echo/ping
  queues  the workers follow the negotiated queue counts: a master with
          --queues 1 serves a slave that asks for 4; --json reports them
  args    option parsing: --allow-unsealed is accepted and documented
  zero-copy  a --zero-copy slave sends from, receives into and echoes
          from its own pool, every byte checked; the option's limits
"""
import json
import os
import subprocess
import sys

EXE = sys.argv[1]
GROUP = sys.argv[2] if len(sys.argv) > 2 else "smoke"
failures = []


def run_pair(name, master, slave, check):
    sock = "@memif-perf-smoke-%d-%s" % (os.getpid(), name)
    common = ["--socket", sock, "--json", "--quiet", "--wait-timeout", "10"]
    procs = {}
    for role, args in (("master", master), ("slave", slave)):
        cmd = [EXE, "--" + role] + common + args
        procs[role] = (cmd, subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    out = {}
    for role, (cmd, p) in procs.items():
        try:
            so, se = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            so, se = p.communicate()
            se += "\n(killed after 60 s)"
        try:
            out[role] = json.loads(so)
        except ValueError:
            out[role] = None
        out[role + "_rc"] = p.returncode
        out[role + "_cmd"] = " ".join(cmd)
        out[role + "_err"] = se
    problems = []
    for role in ("master", "slave"):
        if out[role + "_rc"] != 0:
            problems.append("%s exited %d" % (role, out[role + "_rc"]))
        if out[role] is None:
            problems.append("%s printed no JSON" % role)
    if not problems:
        problems = check(out["master"], out["slave"])
    status = "ok" if not problems else "FAIL"
    print("%-28s %s" % (name, status))
    for role in ("master", "slave"):
        j = out[role] or {}
        print("  %s: %s" % (role, out[role + "_cmd"]))
        if j:
            print("    tx %d pkts %.3f Mpps, rx %d pkts %.3f Mpps, loss %d "
                  "reorder %d corrupt %d"
                  % (j["tx"]["packets"], j["tx"]["mpps"], j["rx"]["packets"],
                     j["rx"]["mpps"], j["rx"]["loss"], j["rx"]["reorder"],
                     j["rx"]["corrupt"]))
    if problems:
        for pr in problems:
            print("  problem: " + pr)
        for role in ("master", "slave"):
            print("  --- %s stderr ---\n%s" % (role, out[role + "_err"]))
        failures.append(name)


def flow(tx_role, count=None):
    """Check for a one-way flow: the receiver got everything, intact."""
    def check(master, slave):
        tx, rx = (master, slave) if tx_role == "master" else (slave, master)
        p = []
        if tx["tx"]["packets"] == 0:
            p.append("nothing sent")
        if rx["rx"]["packets"] != tx["tx"]["packets"]:
            p.append("sent %d, received %d"
                     % (tx["tx"]["packets"], rx["rx"]["packets"]))
        if count is not None and rx["rx"]["packets"] != count:
            p.append("expected %d packets" % count)
        for k in ("loss", "reorder", "corrupt", "foreign"):
            if rx["rx"][k]:
                p.append("%s %d" % (k, rx["rx"][k]))
        return p
    return check


def ping_check(count):
    def check(master, slave):
        lat = slave["latency_ns"]
        p = []
        if lat["samples"] != count:
            p.append("%d round trips, expected %d" % (lat["samples"], count))
        if lat["timeouts"]:
            p.append("%d ping timeouts" % lat["timeouts"])
        if not 0 < lat["min"] <= lat["p50"] <= lat["p99"] <= lat["max"]:
            p.append("latency figures out of order: %r" % lat)
        for j in (master, slave):
            if j["rx"]["corrupt"] or j["rx"]["loss"]:
                p.append("loss/corruption: %r" % j["rx"])
        return p
    return check


def echo_pieces_check(master, slave):
    """The echo sent back, as pieces, everything it received, and what
    came back to the sender was intact."""
    p = []
    if master["rx"]["packets"] == 0:
        p.append("the echo received nothing")
    if master["tx"]["packets"] != master["rx"]["packets"]:
        p.append("echo received %d, sent back %d"
                 % (master["rx"]["packets"], master["tx"]["packets"]))
    if slave["rx"]["packets"] == 0:
        p.append("nothing came back")
    for j, who in ((master, "echo"), (slave, "sender")):
        for k in ("corrupt", "foreign"):
            if j["rx"][k]:
                p.append("%s: %s %d" % (who, k, j["rx"][k]))
    return p


def all_of(*checks):
    return lambda master, slave: [p for c in checks for p in c(master, slave)]


def shape(queues):
    """A master configured for 1 queue pair against a slave that asks for
    @queues: both report the slave's counts under "negotiated" and run one
    worker per queue; "queues" stays the configured count and every older
    key is still there; the master says it allows unsealed regions."""
    def check(master, slave):
        p = []
        for role, j, conf in (("master", master, 1),
                              ("slave", slave, queues)):
            n = j.get("negotiated")
            if not isinstance(n, dict):
                p.append("%s: no \"negotiated\" in the JSON" % role)
                continue
            if (n.get("rx_queues"), n.get("tx_queues")) != (queues, queues):
                p.append("%s: negotiated %r, want %d rx / %d tx"
                         % (role, n, queues, queues))
            if n.get("ring_size") != 1024:
                p.append("%s: negotiated ring_size %r, want 1024"
                         % (role, n.get("ring_size")))
            if j.get("queues") != conf:
                p.append("%s: configured queues %r, want %d"
                         % (role, j.get("queues"), conf))
            if j.get("workers") != queues or len(j["per_queue"]) != queues:
                p.append("%s: %r workers, %d per_queue entries, want %d"
                         % (role, j.get("workers"), len(j["per_queue"]),
                            queues))
            for k in ("ring_log2", "buffer_size", "rx", "tx", "library",
                      "latency_ns", "exit_code"):
                if k not in j:
                    p.append("%s: key %r gone from the JSON" % (role, k))
        # The slave's own slots; a master reports 0 until the library
        # tells it the slave's buffer size.
        sbuf = slave.get("negotiated", {}).get("buffer_size")
        mbuf = master.get("negotiated", {}).get("buffer_size")
        if sbuf != 2048:
            p.append("slave: negotiated buffer_size %r, want 2048" % sbuf)
        if mbuf not in (0, 2048):
            p.append("master: negotiated buffer_size %r, want 2048 (or 0)"
                     % mbuf)
        if master.get("allow_unsealed") is not True:
            p.append("master: allow_unsealed %r, want true"
                     % master.get("allow_unsealed"))
        return p
    return check


def split(role, key, count, queues):
    """--count is split evenly over the @queues queues."""
    def check(master, slave):
        j = master if role == "master" else slave
        return ["%s queue %d: %s %d, want %d"
                % (role, q["queue"], key, q[key], count // queues)
                for q in j["per_queue"] if q[key] != count // queues]
    return check


def check_args():
    """--allow-unsealed parses (with and without a mode after it), is in
    --help, and a misspelt option still fails."""
    def run(args):
        r = subprocess.run([EXE] + args, capture_output=True, text=True,
                           timeout=20)
        return r.returncode, r.stdout + r.stderr
    problems = []
    rc, out = run(["--allow-unsealed", "--help"])
    if rc != 0 or "--allow-unsealed" not in out:
        problems.append("--allow-unsealed --help: exit %d, option %s in "
                        "the help" % (rc, "listed" if "--allow-unsealed"
                                      in out else "not"))
    rc, out = run(["--allow-unsealed"])
    if rc != 2 or "which mode" not in out:
        problems.append("--allow-unsealed alone: exit %d: %s" % (rc, out))
    rc, out = run(["--allow-unsealed", "--slave", "--socket",
                   "@memif-perf-args-%d" % os.getpid(), "--wait-timeout",
                   "0.2", "--quiet", "rx"])
    if rc != 3:
        problems.append("--allow-unsealed with a mode: exit %d (want 3, no "
                        "connection): %s" % (rc, out))
    rc, out = run(["--allow-unsealed=yes", "rx"])
    if rc != 2:
        problems.append("--allow-unsealed=yes accepted (exit %d)" % rc)
    rc, out = run(["--allow-unsaeled", "rx"])
    if rc != 2:
        problems.append("a misspelt option accepted (exit %d)" % rc)
    print("%-28s %s" % ("args-allow-unsealed", "FAIL" if problems else "ok"))
    for pr in problems:
        print("  problem: " + pr)
    if problems:
        failures.append("args-allow-unsealed")


def group_queues():
    run_pair("master-follows-slave-4q",
             ["--queues", "1", "--allow-unsealed", "rx", "--count",
              "400000"],
             ["--queues", "4", "tx", "--count", "400000"],
             all_of(shape(4), flow("slave", 400000),
                    split("master", "rx_packets", 400000, 4)))
    run_pair("ping-echo-master-follows-4q",
             ["--queues", "1", "--allow-unsealed", "echo", "--interrupt",
              "--duration", "30"],
             ["--queues", "4", "ping", "--interrupt", "--count", "4000"],
             all_of(shape(4), ping_check(4000),
                    split("slave", "rx_packets", 4000, 4),
                    split("master", "rx_packets", 4000, 4)))


def group_smoke():
    RX = ["rx", "--duration", "30"]
    run_pair("s2m-64-copy-polling", RX, ["tx", "--duration", "2"],
             flow("slave"))
    run_pair("m2s-64-copy-polling", ["tx", "--duration", "1"], RX,
             flow("master"))
    run_pair("m2s-9000-chained-full-irq",
             ["tx", "--size", "9000", "--fill", "full", "--count", "20000"],
             ["rx", "--size", "9000", "--interrupt", "--count", "20000"],
             flow("master", 20000))
    # A chain received as its slots (memif_rx_burst_sg), every byte
    # checked across the pieces; echoed back as pieces (memif_tx_burst_sg).
    run_pair("s2m-9000-pieces-full",
             ["rx", "--rx-path", "pieces", "--count", "20000"],
             ["tx", "--size", "9000", "--fill", "full", "--count", "20000"],
             flow("slave", 20000))
    run_pair("echo-9000-pieces",
             ["echo", "--rx-path", "pieces", "--duration", "30"],
             ["tx", "--size", "9000", "--fill", "full", "--duration", "1"],
             echo_pieces_check)
    run_pair("s2m-1500-inplace-full",
             RX + ["--fill", "full"],
             ["tx", "--size", "1500", "--tx-path", "inplace", "--fill",
              "full", "--duration", "1"], flow("slave"))
    run_pair("m2s-1500-inplace-raw",
             ["tx", "--size", "1500", "--tx-path", "inplace", "--raw",
              "--duration", "1"], RX + ["--raw"], flow("master"))
    run_pair("s2m-2queues", RX + ["--queues", "2"],
             ["tx", "--queues", "2", "--duration", "1"], flow("slave"))
    run_pair("ping-echo-irq", ["echo", "--interrupt", "--duration", "30"],
             ["ping", "--interrupt", "--count", "2000"], ping_check(2000))
    run_pair("ping-echo-edge", ["echo", "--edge", "--duration", "30"],
             ["ping", "--edge", "--count", "2000"], ping_check(2000))
    run_pair("s2m-64-edge-rx", ["rx", "--edge", "--count", "200000"],
             ["tx", "--count", "200000"], flow("slave", 200000))
    run_pair("ping-echo-polling-inplace",
             ["echo", "--tx-path", "inplace", "--duration", "30"],
             ["ping", "--tx-path", "inplace", "--count", "2000"],
             ping_check(2000))


def zero_copy(role):
    """The slave ran --zero-copy (its JSON says so), the master did not."""
    def check(master, slave):
        p = []
        if slave.get("tx_path") != "zero-copy":
            p.append("slave: tx_path %r, want zero-copy"
                     % slave.get("tx_path"))
        if master.get("tx_path") != "copy":
            p.append("master: tx_path %r, want copy" % master.get("tx_path"))
        return p
    return check


def echo_back(echo_role):
    """The echo sent back everything it received, and what came back to
    the sender was everything it sent, intact."""
    def check(master, slave):
        e, s = (master, slave) if echo_role == "master" else (slave, master)
        p = []
        if e["rx"]["packets"] == 0:
            p.append("the echo received nothing")
        if e["tx"]["packets"] != e["rx"]["packets"]:
            p.append("echo received %d, sent back %d"
                     % (e["rx"]["packets"], e["tx"]["packets"]))
        if s["rx"]["packets"] != s["tx"]["packets"]:
            p.append("sender sent %d, got back %d"
                     % (s["tx"]["packets"], s["rx"]["packets"]))
        for j, who in ((e, "echo"), (s, "sender")):
            for k in ("loss", "corrupt", "foreign"):
                if j["rx"][k]:
                    p.append("%s: %s %d" % (who, k, j["rx"][k]))
        return p
    return check


def group_zero_copy():
    run_pair("s2m-1500-zc-full",
             ["rx", "--fill", "full", "--count", "100000"],
             ["tx", "--zero-copy", "--size", "1500", "--fill", "full",
              "--count", "100000"],
             all_of(zero_copy("slave"), flow("slave", 100000)))
    run_pair("m2s-9000-zc-full-irq",
             ["tx", "--size", "9000", "--fill", "full", "--count", "20000"],
             ["rx", "--zero-copy", "--interrupt", "--count", "20000"],
             all_of(zero_copy("slave"), flow("master", 20000)))
    # The slave sends back the very buffers it received.
    run_pair("echo-zc-slave",
             ["tx", "--fill", "full", "--count", "50000"],
             ["echo", "--zero-copy", "--duration", "30"],
             all_of(zero_copy("slave"), echo_back("slave")))
    run_pair("tx-zc-echo-master-9000",
             ["echo", "--duration", "30"],
             ["tx", "--zero-copy", "--size", "9000", "--fill", "full",
              "--count", "20000"],
             all_of(zero_copy("slave"), echo_back("master")))
    problems = []
    for args, want in ((["--help"], 0),
                       (["--master", "--zero-copy", "rx"], 2),
                       (["--slave", "--zero-copy", "ping"], 2),
                       (["--slave", "--zero-copy", "--tx-path", "inplace",
                         "tx"], 2),
                       (["--slave", "--zero-copy", "--rx-path", "pieces",
                         "rx"], 2)):
        r = subprocess.run([EXE] + args, capture_output=True, text=True,
                           timeout=20)
        if r.returncode != want:
            problems.append("%s: exit %d, want %d"
                            % (" ".join(args), r.returncode, want))
        if args == ["--help"] and "--zero-copy" not in r.stdout:
            problems.append("--zero-copy not in --help")
    print("%-28s %s" % ("args-zero-copy", "FAIL" if problems else "ok"))
    for pr in problems:
        print("  problem: " + pr)
    if problems:
        failures.append("args-zero-copy")


if GROUP == "smoke":
    group_smoke()
elif GROUP == "zero-copy":
    group_zero_copy()
elif GROUP == "queues":
    group_queues()
elif GROUP == "args":
    check_args()
else:
    print("unknown group %r (smoke, queues, args, zero-copy)" % GROUP)
    sys.exit(2)

if failures:
    print("%d failed: %s" % (len(failures), ", ".join(failures)))
    sys.exit(1)
print("all passed")
