#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memif-conform --iut: the tool starts the implementation under test itself,
and a crash, a hang or a slave that connects only once does not end the run;
and when memif-conform itself is interrupted or killed, its IUT goes too.

The IUT is memif-conform-iut (this library) with planted faults:
MEMIF_CONFORM_IUT_FAULT=crash:300 / hang:300 (the first 300-byte packet;
of the checks run here only C54 sends one) and --once.  Each case asserts
the verdict of every check, the incident's attribution, the JSON summary
and the Markdown report.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from verdicts import check, finish



def run(conform, args, timeout=600):
    t0 = time.time()
    p = subprocess.run([conform] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    print(f"$ memif-conform {' '.join(args)}\n  exit {p.returncode} after "
          f"{time.time() - t0:.1f} s")
    sys.stdout.write("".join("  | " + line + "\n"
                             for line in p.stderr.splitlines()[-40:]))
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        rep = None
    return p.returncode, rep


def by_id(rep):
    return {c["id"]: c for c in rep["checks"]}


def fault_case(conform, iut, kind, tmp):
    """IUT master with a planted fault on C54's 300-byte packets."""
    sock = f"@memif-conform-iut-{os.getpid()}-{kind}"
    report = os.path.join(tmp, f"report-{kind}.md")
    only = "C14,C54,C56,C57,C20"
    cmd = (f"env MEMIF_CONFORM_IUT_FAULT={kind}:300 {iut} --role master "
           f"--socket {{sock}} --id {{id}} --secret s3cret")
    rc, rep = run(conform, ["--role", "slave", "--socket", sock, "--id", "7",
                            "--secret", "s3cret", "--echo", "--timeout",
                            "1000", "--only", only, "--json", "--report",
                            report, "--iut", cmd])
    check(rep is not None, f"{kind}: a JSON report")
    if rep is None:
        return
    checks = by_id(rep)
    listed = subprocess.run([conform, "--role", "slave", "--list"],
                            stdout=subprocess.PIPE, text=True).stdout
    want = [ln.split()[1] for ln in listed.splitlines()
            if any(ln.split()[1] == s or ln.split()[1].startswith(s + ".")
                   for s in only.split(","))]
    check(rc == 1, f"{kind}: exit status 1 (a FAIL), not 3 (run cut short)")
    check(not rep["iut_gone"], f"{kind}: the run was not cut short")
    missing = [i for i in want if i not in checks]
    check(not missing, f"{kind}: every selected check has a verdict "
          f"(missing: {missing})")
    c54 = checks.get("C54", {})
    word = "crashed (SIGSEGV)" if kind == "crash" else "hung"
    check(c54.get("result") == "FAIL" and word in c54.get("reaction", ""),
          f"{kind}: C54 is FAIL with \"{word}\": {c54.get('reaction')!r}")
    others = [i for i in want if i != "C54" and
              checks.get(i, {}).get("result") == "FAIL"]
    check(not others, f"{kind}: no other check failed ({others})")
    s = rep["summary"]
    key = "crashes" if kind == "crash" else "hangs"
    check(s[key] == 1 and s["crashes"] + s["hangs"] + s["exits"] == 1,
          f"{kind}: summary counts one {kind}: {s}")
    inc = rep["incidents"]
    check(len(inc) == 1 and inc[0]["check"] == "C54" and
          f"planted {kind} on a 300-byte packet" in inc[0]["output"],
          f"{kind}: the incident names C54 and quotes the IUT's last "
          f"output: {inc}")
    check(rep["iut"]["starts"] == 2, f"{kind}: the IUT was started twice "
          f"({rep['iut']['starts']})")
    check(rep["iut"]["name"] == "memif-conform-iut",
          f"{kind}: the IUT's name from its HELLO: {rep['iut']['name']!r}")
    try:
        md = open(report).read()
    except OSError:
        md = ""
    check("### Crashes, hangs and exits" in md and "| C54 |" in md and
          word.split(" ")[0] in md.split("### Crashes")[-1],
          f"{kind}: the report lists the {kind} against C54")
    check("| C14 " in md and "memif-conform-iut" in md,
          f"{kind}: the report has the check table and the IUT's name")


def once_case(conform, iut, tmp):
    """IUT slave that connects once per start: started again each time."""
    sock = f"@memif-conform-iut-{os.getpid()}-once"
    report = os.path.join(tmp, "report-once.md")
    only = "C1,C41,C44,C6,C7,C51"
    rc, rep = run(conform, ["--role", "master", "--socket", sock, "--id",
                            "3", "--timeout", "2000", "--only", only,
                            "--json", "--report", report, "--",
                            iut, "--role", "slave", "--socket", "{sock}",
                            "--id", "{id}", "--once",
                            "--reconnect-ms", "100"])
    check(rep is not None, "once: a JSON report")
    if rep is None:
        return
    checks = by_id(rep)
    bad = {i: c["reaction"] for i, c in checks.items()
           if c["result"] == "FAIL"}
    check(not bad, f"once: no check failed for want of a connection: {bad}")
    check(rep["iut"]["connects_once"] and rep["iut"]["starts"] >= 4,
          f"once: recognised and restarted ({rep['iut']['starts']} starts)")
    s = rep["summary"]
    check(s["crashes"] + s["hangs"] + s["exits"] == 0,
          f"once: no incidents: {s}")
    check(rc == 0, f"once: exit status {rc}")


def clean_case(conform, iut, tmp):
    """Both roles in one run, a clean IUT: exit 0, one report."""
    sock = f"@memif-conform-iut-{os.getpid()}-both"
    report = os.path.join(tmp, "report-both.md")
    common = "--socket {sock} --id {id} --reconnect-ms 100"
    rc, rep = run(conform, ["--role", "both", "--socket", sock, "--id", "5",
                            "--echo", "--only", "C1,C14,C41,C52",
                            "--packets", "3000", "--json", "--report",
                            report, "--iut-master",
                            f"{iut} --role master {common}",
                            "--iut-slave", f"{iut} --role slave {common}"])
    check(rc == 0 and rep is not None and len(rep.get("runs", [])) == 2,
          f"both: exit 0 and two runs (exit {rc})")
    if rep:
        for r in rep.get("runs", []):
            s = r["summary"]
            check(s["fail"] == 0 and s["pass"] > 0 and r["iut"]["starts"] == 1,
                  f"both: role {r['role']}: {s}, {r['iut']['starts']} start")
    md = open(report).read() if os.path.exists(report) else ""
    check("## The IUT as master" in md and "## The IUT as slave" in md,
          "both: the report has a section per role")


def pids_with(text):
    """The processes whose command line holds @text."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    out.append(int(d))
        except OSError:
            pass
    return out


def interrupt_case(conform, iut, sig):
    """memif-conform interrupted (@sig) mid-run: its IUT does not outlive
    it.  SIGTERM reaches memif-conform's handler, SIGKILL only the IUT's
    PR_SET_PDEATHSIG."""
    name = signal.Signals(sig).name
    sock = f"@memif-conform-iut-{os.getpid()}-{name}"
    p = subprocess.Popen([conform, "--role", "slave", "--socket", sock,
                          "--id", "7", "--echo", "--timeout", "1000",
                          "--iut", f"{iut} --role master --socket {{sock}} "
                          "--id {id}"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    iut_pids = []
    end = time.time() + 20
    while not iut_pids and time.time() < end and p.poll() is None:
        time.sleep(0.05)
        iut_pids = [q for q in pids_with(sock) if q != p.pid]
    check(bool(iut_pids), f"{name}: the IUT started")
    time.sleep(0.3)  # into the checks
    p.send_signal(sig)
    p.wait(timeout=30)
    end = time.time() + 5
    left = iut_pids
    while left and time.time() < end:
        time.sleep(0.05)
        left = [q for q in iut_pids if os.path.exists(f"/proc/{q}") and
                open(f"/proc/{q}/stat").read().split(") ")[1][0] != "Z"]
    check(not left, f"{name} to memif-conform: no IUT left running "
          f"({left})")
    for q in left:  # do not leave it to the next test either
        os.kill(q, signal.SIGKILL)


def setup_errors(conform, tmp):
    rc, _ = run(conform, ["--role", "slave", "--socket", "@nobody",
                          "--iut", "/nonexistent/iut {sock}"], timeout=60)
    check(rc == 2, f"an IUT that cannot start: setup error 2 (got {rc})")
    rc, _ = run(conform, ["--role", "both", "--socket", "@x", "--iut",
                          "true"], timeout=60)
    check(rc == 2, f"--role both with one --iut: usage error 2 (got {rc})")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--conform", required=True)
    ap.add_argument("--iut", required=True)
    args = ap.parse_args()
    # Under ASan the planted SIGSEGV must stay a SIGSEGV (ASan's handler
    # would report it and exit 1); the IUT inherits this.
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":handle_segv=0").lstrip(":")
    with tempfile.TemporaryDirectory() as tmp:
        setup_errors(args.conform, tmp)
        fault_case(args.conform, args.iut, "crash", tmp)
        fault_case(args.conform, args.iut, "hang", tmp)
        once_case(args.conform, args.iut, tmp)
        clean_case(args.conform, args.iut, tmp)
    interrupt_case(args.conform, args.iut, signal.SIGTERM)
    interrupt_case(args.conform, args.iut, signal.SIGKILL)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
