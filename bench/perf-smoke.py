#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memif-perf smoke test: run master/slave pairs of memif-perf on abstract
sockets and check their --json summaries: packets moved, no loss, no
corruption, both exit statuses 0.

usage: perf-smoke.py path/to/memif-perf
"""
import json
import os
import subprocess
import sys

EXE = sys.argv[1]
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


RX = ["rx", "--duration", "30"]
run_pair("s2m-64-copy-polling", RX, ["tx", "--duration", "2"], flow("slave"))
run_pair("m2s-64-copy-polling", ["tx", "--duration", "1"], RX, flow("master"))
run_pair("m2s-9000-chained-full-irq",
         ["tx", "--size", "9000", "--fill", "full", "--count", "20000"],
         ["rx", "--size", "9000", "--interrupt", "--count", "20000"],
         flow("master", 20000))
run_pair("s2m-1500-inplace-full",
         RX + ["--fill", "full"],
         ["tx", "--size", "1500", "--tx-path", "inplace", "--fill", "full",
          "--duration", "1"], flow("slave"))
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

if failures:
    print("%d failed: %s" % (len(failures), ", ".join(failures)))
    sys.exit(1)
print("all passed")
