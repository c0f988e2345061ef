#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run memif-conform against DPDK's net_memif (dpdk-testpmd) in both roles.

memif-conform starts testpmd itself (--iut-master / --iut-slave), restarts
it after a crash or hang, and writes the report (--report).  What is DPDK's
here: the testpmd command lines, and --kick, which makes a testpmd client
connect again (it connects once per port start) by typing "port stop 0 /
port start 0" on its command line, the FIFO memif-conform gives it as
stdin ({stdin}).

DPDK's failures are findings, not test failures: this asserts only that
both runs complete (every check got a verdict).  Without testpmd: exit 77
(skip), or a failure when CI=true.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

# test/testpmd.py: the launcher shared with the benchmark and the interop
# tests.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)),
                                os.pardir))
import testpmd  # noqa: E402


def testpmd_cmd(exe, role, tag):
    """testpmd with one memif port in @role (server or client), reflecting
    every packet (io forwarding on one port), on the shared CPU 0: a shell
    command line, memif-conform fills in {id} and {sock}."""
    port = testpmd.vdev(role, "{sock}", conn_id="{id}")
    return " ".join(testpmd.command(
        exe, port, tag, testpmd.app_args("io", auto_start=True,
                                         flush_rx=True),
        memory=("--no-huge", "-m", "512"), shconf=True))


def listed_ids(conform, role):
    out = subprocess.run([conform, "--role", role, "--list"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--conform", required=True)
    ap.add_argument("--testpmd", default=None)
    ap.add_argument("--report", default="REPORT-dpdk.md")
    ap.add_argument("--only", default=None)
    ap.add_argument("--timeout", type=int, default=3000)
    ap.add_argument("--packets", type=int, default=70000)
    args = ap.parse_args()

    exe = testpmd.find(args.testpmd)
    if not exe:
        msg = "dpdk-testpmd not found (Debian package dpdk)"
        if testpmd.in_ci():
            print(msg + ": required in CI")
            return 1
        print(msg + ": skipping")
        return 77
    sock = os.path.join(tempfile.gettempdir(),
                        f"memif-conform-dpdk-{os.getpid()}.sock")
    tag = f"conform{os.getpid()}"
    cmd = [args.conform, "--role", "both", "--socket", sock, "--id", "0",
           "--echo", "--json", "--timeout", str(args.timeout),
           "--packets", str(args.packets), "--report", args.report,
           "--iut-master", testpmd_cmd(exe, "server", tag + "m"),
           "--iut-slave", testpmd_cmd(exe, "client", tag + "s"),
           "--kick", "printf 'stop\\nport stop 0\\nport start 0\\nstart\\n' "
                     "> {stdin}"]
    if args.only:
        cmd += ["--only", args.only]
    print("$", " ".join(cmd), flush=True)
    run = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    try:
        rep = json.loads(run.stdout)
    except ValueError:
        print(f"memif-conform exited {run.returncode} without a report")
        return 1
    ok = run.returncode in (0, 1)
    for r in rep["runs"]:
        s = r["summary"]
        got = {c["id"] for c in r["checks"]}
        want = listed_ids(args.conform, r["role"])
        if args.only:
            sel = args.only.split(",")
            want = [i for i in want if i in got or
                    any(i == x or i.startswith(x + ".") for x in sel)]
        missing = [i for i in want if i not in got]
        print(f"{r['iut']['name'] or 'DPDK'} as the {r['iut_role']}: "
              f"{s['pass']} passed, {s['fail']} failed, {s['na']} not "
              f"applicable (findings, not test failures); crashes "
              f"{s['crashes']}, hangs {s['hangs']}, exits {s['exits']}; "
              f"testpmd started {r['iut']['starts']} times")
        for inc in r["incidents"]:
            print(f"  {inc['check']}: {inc['what']}")
        if missing or r["iut_gone"]:
            print("not run:", " ".join(missing))
            ok = False
    print("report:", os.path.abspath(args.report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
