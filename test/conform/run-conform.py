#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run memif-conform against this library (memif-conform-iut) in one role.

Starts the IUT on a fresh abstract socket, runs memif-conform with --pid
and --echo, then checks that the IUT is still alive, that its open fds and
RSS are back at their starting values (RSS within a tolerance), that it
exits cleanly on SIGTERM, and that its stderr holds no ASan/UBSan/LSan
report.  Fails on any FAIL line.  --role is memif-conform's role: "master"
means the IUT is a slave.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "WARNING: ThreadSanitizer",
                   "SUMMARY: UndefinedBehaviorSanitizer")


def proc_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def proc_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def settle_fds(pid, want, seconds=3.0):
    end = time.time() + seconds
    n = proc_fds(pid)
    while n != want and time.time() < end:
        time.sleep(0.05)
        n = proc_fds(pid)
    return n


def iut_takes_allow_unsealed(iut):
    """The IUT accepts --allow-unsealed (argument parsing only: the run
    itself keeps the default, which refuses unsealed regions), documents it
    in its usage text, and still refuses an unknown option."""
    ok = True
    cmd = [iut, "--role", "master", "--socket",
           f"@memif-conform-unsealed-{os.getpid()}", "--allow-unsealed"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line.startswith("pid "):
        print("IUT refused --allow-unsealed:", line.strip())
        ok = False
    p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    if p.returncode != 0:
        print(f"IUT --allow-unsealed exited {p.returncode}: {err.strip()}")
        ok = False
    u = subprocess.run([iut], capture_output=True, text=True)
    if "--allow-unsealed" not in u.stderr:
        print("IUT usage does not document --allow-unsealed")
        ok = False
    b = subprocess.run([iut, "--role", "master", "--socket", "@x",
                        "--no-such-option"], capture_output=True, text=True)
    if b.returncode != 2:
        print(f"IUT accepted an unknown option (exit {b.returncode})")
        ok = False
    return ok


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--conform", required=True)
    ap.add_argument("--iut", required=True)
    ap.add_argument("--role", choices=["master", "slave"], required=True)
    ap.add_argument("--queues", type=int, default=0)
    ap.add_argument("--log2", type=int, default=0)
    ap.add_argument("--secret", default="conform-s3cret")
    ap.add_argument("--only", default=None)
    ap.add_argument("--interrupt", action="store_true")
    ap.add_argument("--packets", type=int, default=70000)
    ap.add_argument("--rss-tolerance-mib", type=int, default=0)
    return ap.parse_args()


def iut_command(args, iut_role, sock):
    queues = args.queues or (3 if iut_role == "slave" else 2)
    log2 = args.log2 or (14 if iut_role == "slave" else 10)
    cmd = [args.iut, "--role", iut_role, "--socket", sock, "--id", "7",
           "--queues", str(queues), "--log2", str(log2),
           "--reconnect-ms", "100", "--handshake-ms", "5000"]
    if args.secret:
        cmd += ["--secret", args.secret]
    if iut_role == "master":
        cmd += ["--id2", "8"]
    if args.interrupt:
        cmd += ["--interrupt"]
    return cmd


def conform_command(args, iut_role, sock, pid):
    ccmd = [args.conform, "--role", args.role, "--socket", sock, "--id", "7",
            "--pid", str(pid), "--echo", "--json", "--timeout", "5000",
            "--packets", str(args.packets)]
    if args.secret:
        ccmd += ["--secret", args.secret]
    if iut_role == "master":
        ccmd += ["--id2", "8"]
    if args.only:
        ccmd += ["--only", args.only]
    return ccmd


def report_ok(run):
    """memif-conform's JSON report: no FAIL, and exit status 0."""
    ok = True
    try:
        report = json.loads(run.stdout)
        s = report["summary"]
        print(f"summary: {s['pass']} passed, {s['fail']} failed, "
              f"{s['na']} not applicable")
        fails = [c["id"] for c in report["checks"] if c["result"] == "FAIL"]
        if fails:
            print("FAILED checks:", " ".join(fails))
            ok = False
    except (ValueError, KeyError) as e:
        print("no JSON report:", e)
        ok = False
    if run.returncode != 0:
        ok = False
    return ok


def iut_after_ok(iut, pid, fds0, rss0, tol):
    """The IUT after the run: alive, fds and RSS back at their baseline,
    exits 0 on SIGTERM."""
    if iut.poll() is not None:
        print(f"IUT died with status {iut.returncode}")
        return False
    ok = True
    # An IUT slave may be between reconnect attempts: let it settle.
    fds1 = settle_fds(pid, fds0)
    rss1 = proc_rss_kib(pid)
    print(f"IUT pid {pid}: {fds1} fds, RSS {rss1} KiB after "
          f"(before: {fds0} fds, {rss0} KiB; tolerance {tol} KiB)")
    # More fds than before is a leak.  Fewer is not: the "before"
    # sample can catch an IUT slave holding the socket of a connect
    # attempt, which it closes while it waits for the next one.
    if fds1 > fds0:
        print("IUT fd count not back at baseline")
        ok = False
    if rss1 - rss0 > tol:
        print("IUT RSS grew beyond the tolerance")
        ok = False
    iut.send_signal(signal.SIGTERM)
    try:
        rc = iut.wait(timeout=30)
    except subprocess.TimeoutExpired:
        iut.kill()
        rc = iut.wait()
        print("IUT did not exit on SIGTERM")
        ok = False
    if rc != 0:
        print(f"IUT exited with status {rc}")
        ok = False
    return ok


def stderr_ok(errlog):
    """No sanitizer report in the IUT's stderr; its tail shown."""
    errlog.seek(0)
    err = errlog.read()
    ok = not any(m in err for m in SANITIZER_MARKS)
    if not ok:
        print("sanitizer report in the IUT's stderr:")
    if err.strip():
        print("--- IUT stderr (last 60 lines) ---")
        print("\n".join(err.splitlines()[-60:]))
    return ok


def main():
    args = parse_args()
    if not iut_takes_allow_unsealed(args.iut):
        print("result: FAILED")
        return 1
    iut_role = "slave" if args.role == "master" else "master"
    sock = f"@memif-conform-{os.getpid()}-{args.role}"
    cmd = iut_command(args, iut_role, sock)
    env = dict(os.environ)
    # A small quarantine keeps ASan's RSS meaningful across teardowns.
    env.setdefault("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] += ":quarantine_size_mb=16:detect_leaks=1"
    with open(args.iut, "rb") as f:
        asan = b"__asan_init" in f.read()
    errlog = tempfile.TemporaryFile(mode="w+")
    print("IUT:", " ".join(cmd), flush=True)
    iut = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errlog,
                           text=True, env=env)
    line = iut.stdout.readline()
    if not line.startswith("pid "):
        print("IUT did not start:", line)
        errlog.seek(0)
        print(errlog.read())
        return 1
    pid = int(line.split()[1])
    time.sleep(0.3)
    fds0, rss0 = proc_fds(pid), proc_rss_kib(pid)
    print(f"IUT pid {pid}: {fds0} fds, RSS {rss0} KiB before", flush=True)

    ccmd = conform_command(args, iut_role, sock, pid)
    print("run:", " ".join(ccmd), flush=True)
    t0 = time.time()
    run = subprocess.run(ccmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    sys.stdout.write(run.stderr)
    print(f"memif-conform exited {run.returncode} after "
          f"{time.time() - t0:.1f} s", flush=True)
    tol = args.rss_tolerance_mib * 1024 or (65536 if asan else 16384)
    ok = report_ok(run)
    ok = iut_after_ok(iut, pid, fds0, rss0, tol) and ok
    ok = stderr_ok(errlog) and ok
    print("result:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
