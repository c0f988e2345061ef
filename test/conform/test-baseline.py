#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memif-conform's fd baseline: the same verdict on every run, and a real
leak still caught.

memif-perf echo --duration 0 as the IUT slave makes its error eventfd a
moment after its first connection (which it makes from inside
memif_create_interface).  A baseline sampled at that connection lacked it
in some runs, and C7, the first hostile check, and C68 flipped between
PASS and FAIL ("IUT holds 11 fds (baseline 10)").  Here C7 and C68 run
RUNS (10) times per role against memif-perf and must PASS every time; then
memif-conform-iut with MEMIF_CONFORM_IUT_FAULT=leak:1 (an fd kept at every
disconnect) must fail both, in both roles.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from verdicts import check, finish

RUNS = 10
# Each run takes under 2 s; a run that needs more is stuck.
RUN_TIMEOUT = 60


def conform(exe, role, sock, iut, env=None):
    """One run of C7 (and the summary checks, C68 among them) against the
    IUT command @iut; returns {id: check} or None."""
    args = [exe, "--role", role, "--socket", sock, "--id", "0", "--echo",
            "--timeout", "3000", "--only", "C7", "--json", "--iut", iut]
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           timeout=RUN_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        print(f"  memif-conform --role {role}: no end within "
              f"{RUN_TIMEOUT} s")
        return None
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        sys.stdout.write("".join("  | " + line + "\n"
                                 for line in p.stderr.splitlines()[-20:]))
        return None
    return {c["id"]: c for c in rep["checks"]}


def verdicts(checks):
    if checks is None:
        return "no report"
    return ", ".join(f"{i} {checks[i]['result']}: {checks[i]['reaction']}"
                     for i in ("C7", "C68") if i in checks)


def steady(exe, perf, role):
    """memif-perf as the IUT in the other role: C7 and C68 PASS each run."""
    iut_role = "slave" if role == "master" else "master"
    iut = (f"{perf} --{iut_role} --socket {{sock}} --id {{id}} echo "
           f"--duration 0")
    seen = []
    t0 = time.time()
    for i in range(RUNS):
        sock = f"@memif-conform-baseline-{os.getpid()}-{role}-{i}"
        checks = conform(exe, role, sock, iut)
        ok = checks is not None and all(
            checks.get(c, {}).get("result") == "PASS" for c in ("C7", "C68"))
        seen.append(ok)
        if not ok:
            print(f"  run {i + 1}: {verdicts(checks)}")
    check(all(seen), f"memif-perf {iut_role}: C7 and C68 PASS in "
          f"{seen.count(True)} of {RUNS} runs ({time.time() - t0:.1f} s)")


def leak(exe, iut_exe, role):
    """An IUT that keeps one fd at every disconnect: C7 and C68 FAIL."""
    iut_role = "slave" if role == "master" else "master"
    iut = (f"{iut_exe} --role {iut_role} --socket {{sock}} --id {{id}} "
           f"--reconnect-ms 100")
    env = dict(os.environ, MEMIF_CONFORM_IUT_FAULT="leak:1")
    sock = f"@memif-conform-baseline-{os.getpid()}-{role}-leak"
    checks = conform(exe, role, sock, iut, env)
    c7 = (checks or {}).get("C7", {})
    c68 = (checks or {}).get("C68", {})
    check(c7.get("result") == "FAIL" and "IUT holds" in
          c7.get("reaction", "") and " file)" in c7.get("reaction", ""),
          f"leaking IUT {iut_role}: C7 FAIL for the leak, its kind named: "
          f"{c7.get('reaction')!r}")
    check(c68.get("result") == "FAIL" and "C7" in c68.get("reaction", ""),
          f"leaking IUT {iut_role}: C68 FAIL naming C7: "
          f"{c68.get('reaction')!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--conform", required=True)
    ap.add_argument("--perf", required=True)
    ap.add_argument("--iut", required=True)
    args = ap.parse_args()
    for role in ("master", "slave"):
        steady(args.conform, args.perf, role)
        leak(args.conform, args.iut, role)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
