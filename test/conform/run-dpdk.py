#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run memif-conform against DPDK's net_memif (dpdk-testpmd) in both roles.

DPDK's failures are findings, not test failures: this asserts only that
both runs complete (every check got a verdict).  When testpmd dies on a
check it is restarted and the run resumes after that check.  Writes the
results as a markdown conformance report (--report).

testpmd runs interactively with its stdin on a FIFO, so memif-conform can
make a DPDK client connect again (it connects once per port start) with
--kick "port stop 0 / port start 0".  Without testpmd: exit 77 (skip), or
a failure when CI=true.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SUMMARY_IDS = ("C3", "C4", "C5", "C5.zero", "C66", "C68")


class Testpmd:
    """One dpdk-testpmd with a memif port, driven through a FIFO."""

    def __init__(self, exe, role, sock, tag):
        self.tmp = tempfile.mkdtemp(prefix="conform-dpdk-")
        self.fifo = os.path.join(self.tmp, "stdin")
        os.mkfifo(self.fifo)
        # Held open read-write: testpmd never sees EOF on its stdin.
        self.fifo_fd = os.open(self.fifo, os.O_RDWR)
        self.log = []
        dev = (f"net_memif0,role={role},id=0,socket={sock},"
               "socket-abstract=no")
        self.cmd = [exe, "--no-huge", "-m", "512", "--no-pci",
                    "--file-prefix", f"conform{os.getpid()}{tag}",
                    "--lcores", "0@0,1@0", f"--vdev={dev}", "--",
                    "-i", "--auto-start", "--forward-mode=io",
                    "--nb-cores=1", "--total-num-mbufs=16384"]
        self.text = ""
        self.proc = subprocess.Popen(self.cmd, stdin=self.fifo_fd,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        # The prompt ends without a newline: read raw chunks.
        fd = self.proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            self.text += chunk.decode(errors="replace")
        self.log = self.text.splitlines()

    def wait_prompt(self, seconds=90):
        end = time.time() + seconds
        while time.time() < end and self.proc.poll() is None:
            if "testpmd>" in self.text:
                return True
            time.sleep(0.1)
        self.log = self.text.splitlines()
        return False

    def alive(self):
        return self.proc.poll() is None

    def kick_cmd(self):
        # testpmd refuses to stop a port while forwarding runs.
        return (f"printf 'stop\\nport stop 0\\nport start 0\\nstart\\n' "
                f"> {self.fifo}")

    def stop(self):
        if self.alive():
            os.write(self.fifo_fd, b"quit\n")
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.fifo_fd)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return self.proc.returncode


def list_ids(conform, role):
    out = subprocess.run([conform, "--role", role, "--list"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    ids = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] not in SUMMARY_IDS:
            ids.append(parts[1])
    return ids


def merge_summary(old, new):
    if old is None:
        return dict(new)
    rank = {"FAIL": 2, "PASS": 1, "N/A": 0}
    if rank[new["result"]] > rank[old["result"]]:
        merged = dict(new)
        if old["result"] != "N/A":
            merged["reaction"] += " | " + old["reaction"]
        return merged
    if new["result"] != "N/A" and new["reaction"] not in old["reaction"]:
        old["reaction"] += " | " + new["reaction"]
    return old


def run_role(args, exe, role):
    """memif-conform role @role; DPDK plays the other one."""
    dpdk_role = "server" if role == "slave" else "client"
    sock = os.path.join(tempfile.gettempdir(),
                        f"memif-conform-dpdk-{os.getpid()}-{role}.sock")
    want = list_ids(args.conform, role)
    if args.only:
        sel = args.only.split(",")
        want = [i for i in want
                if any(i == s or i.startswith(s + ".") for s in sel)]
    results, summaries, restarts = {}, {}, 0
    crashes = []
    while True:
        todo = [i for i in want if i not in results]
        if not todo or restarts > args.max_restarts:
            break
        if os.path.exists(sock):
            os.unlink(sock)
        pmd = Testpmd(exe, dpdk_role, sock, f"{role[0]}{restarts}")
        if not pmd.wait_prompt():
            print("testpmd did not start:\n" + "\n".join(pmd.log[-40:]))
            pmd.stop()
            return None
        if role == "slave":
            end = time.time() + 30
            while not os.path.exists(sock) and time.time() < end:
                time.sleep(0.1)
        cmd = [args.conform, "--role", role, "--socket", sock, "--id", "0",
               "--pid", str(pmd.proc.pid), "--echo", "--json",
               "--timeout", str(args.timeout), "--packets",
               str(args.packets), "--only", ",".join(todo)]
        if role == "master":
            cmd += ["--kick", pmd.kick_cmd()]
        print(f"--- {role}: testpmd pid {pmd.proc.pid} ({dpdk_role}), "
              f"{len(todo)} checks", flush=True)
        run = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        sys.stdout.write(run.stderr)
        sys.stdout.flush()
        try:
            rep = json.loads(run.stdout)
        except ValueError:
            print(f"memif-conform exited {run.returncode} without a report")
            pmd.stop()
            return None
        for c in rep["checks"]:
            if c["id"] in SUMMARY_IDS:
                summaries[c["id"]] = merge_summary(summaries.get(c["id"]), c)
            else:
                results[c["id"]] = c
        alive = pmd.alive()
        rc = pmd.stop()
        if rep.get("iut_gone") or not alive:
            last = rep["checks"][-1]["id"] if rep["checks"] else "?"
            crashes.append((last, rc))
            print(f"testpmd died (status {rc}) during {last}: restarting",
                  flush=True)
            restarts += 1
            continue
        break
    if os.path.exists(sock):
        os.unlink(sock)
    missing = [i for i in want if i not in results]
    ordered = [results[i] for i in want if i in results]
    ordered += [summaries[i] for i in SUMMARY_IDS if i in summaries]
    return {"role": role, "dpdk_role": dpdk_role, "checks": ordered,
            "missing": missing, "crashes": crashes}


def dpdk_version():
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "dpdk"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True).stdout.strip()
        if v:
            return v
    except OSError:
        pass
    return "unknown"


def md_escape(s):
    return s.replace("|", "\\|").replace("\n", " ")


def write_report(path, runs, version, exe):
    date = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")
    lines = [
        "# memif-conform against DPDK net_memif (dpdk-testpmd)",
        "",
        f"- Date: {date}",
        f"- DPDK: {version} (`{exe}`, Debian package)",
        "- Tool: `memif-conform` (test/conform/), checks from "
        "spec/memif-protocol.md §8 (C1-C68) and the bad-input catalog of "
        "spec/hostile-peer.md §3 (ids A-K, B*, E*, F*, J1, J5-J10, K1); "
        "HS.* are handshake-and-traffic shapes, RF is ring full.",
        "- testpmd: `--no-huge -m 512 --no-pci -- -i --auto-start "
        "--forward-mode=io` with "
        "`--vdev=net_memif0,role=server|client,id=0,socket=<path>,"
        "socket-abstract=no`; io forwarding on one port reflects every "
        "packet, so every data-path check runs (`--echo`).",
        "- A DPDK client connects only at port start, so for "
        "`--role master` memif-conform restarts the port (`port stop 0` / "
        "`port start 0` on testpmd's command line) whenever it needs a new "
        "connection, except in the checks that measure the IUT's own "
        "retry (C47, C49).",
        "- When testpmd dies during a check, that check is FAIL (\"the IUT "
        "process died\"), testpmd is restarted and the run resumes with "
        "the next check.",
        "- These are findings about DPDK, not test failures: the meson "
        "test asserts only that both runs complete.",
        "- Regenerate: `meson test -C <build> conform-dpdk -v` writes "
        "`<build>/test/conform/REPORT-dpdk.md`.",
        "",
    ]
    for run in runs:
        c = {"PASS": 0, "FAIL": 0, "N/A": 0}
        for x in run["checks"]:
            c[x["result"]] += 1
        iut = "master (server)" if run["role"] == "slave" else \
            "slave (client)"
        lines += [
            f"## DPDK as {iut}: memif-conform --role {run['role']}",
            "",
            f"{c['PASS']} passed, {c['FAIL']} failed, {c['N/A']} not "
            "applicable.",
            "",
        ]
        if run["crashes"]:
            lines.append("testpmd died during: " + ", ".join(
                f"{cid} (exit status {rc})" for cid, rc in run["crashes"])
                + ".")
            lines.append("")
        if run["missing"]:
            lines.append("Not run: " + ", ".join(run["missing"]) + ".")
            lines.append("")
        lines += ["| Check | Level | Result | Reaction observed |",
                  "|---|---|---|---|"]
        for x in run["checks"]:
            lines.append(f"| {x['id']} {md_escape(x['description'])} | "
                         f"{x['level']} | {x['result']} | "
                         f"{md_escape(x['reaction'])} |")
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--conform", required=True)
    ap.add_argument("--testpmd", default=None)
    ap.add_argument("--report", default="REPORT-dpdk.md")
    ap.add_argument("--only", default=None)
    ap.add_argument("--role", choices=["master", "slave", "both"],
                    default="both")
    ap.add_argument("--timeout", type=int, default=3000)
    ap.add_argument("--packets", type=int, default=70000)
    ap.add_argument("--max-restarts", type=int, default=40)
    args = ap.parse_args()

    exe = args.testpmd or shutil.which("dpdk-testpmd") or \
        ("/usr/bin/dpdk-testpmd" if os.path.exists("/usr/bin/dpdk-testpmd")
         else None)
    if not exe:
        msg = "dpdk-testpmd not found (Debian package dpdk)"
        if os.environ.get("CI") == "true":
            print(msg + ": required in CI")
            return 1
        print(msg + ": skipping")
        return 77
    roles = ["slave", "master"] if args.role == "both" else [args.role]
    runs = []
    for role in roles:
        run = run_role(args, exe, role)
        if run is None:
            print(f"the {role} run did not complete")
            return 1
        runs.append(run)
    version = dpdk_version()
    write_report(args.report, runs, version, exe)
    ok = True
    for run in runs:
        c = {"PASS": 0, "FAIL": 0, "N/A": 0}
        for x in run["checks"]:
            c[x["result"]] += 1
        print(f"DPDK {version} as the {run['dpdk_role']}: {c['PASS']} "
              f"passed, {c['FAIL']} failed, {c['N/A']} not applicable "
              f"(findings, not test failures); testpmd restarts: "
              f"{len(run['crashes'])}")
        if run["missing"]:
            print("not run:", " ".join(run["missing"]))
            ok = False
    print("report:", os.path.abspath(args.report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
