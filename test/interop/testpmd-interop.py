#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Interop test: memif-perf (memif-native) against DPDK's net_memif PMD driven
by dpdk-testpmd.  One invocation runs one case and exits 0 (pass), 1 (fail)
or 77 (skip: no dpdk-testpmd and not in CI).

  testpmd-interop.py MEMIF_PERF --role server|client
                     --case txonly|rxonly|io|ping --size N --bsize N
                     [--rx-mode polling|interrupt] [--queues N]
                     [--zero-copy [--expect-refusal]
                      [--memory nohuge|hugepages]]
                     [--slave-zero-copy]

--role is testpmd's: "server" (memif master; memif-perf --slave; filesystem
socket, which DPDK needs spelled socket-abstract=no) or "client" (memif
slave; memif-perf --master; abstract socket: DPDK's `socket=` is abstract by
default, and memif-perf spells the same address "@name", spec 2.1.1).
--bsize is the memif buffer size on both sides (equal: spec Q20).

Cases:
  txonly  testpmd txonly -> memif-perf rx
  rxonly  memif-perf tx -> testpmd rxonly
  io      memif-perf tx -> testpmd io (retry) -> memif-perf, which verifies
          every returned frame: sequence number, length and a checksum over
          every byte (--fill full)
  ping    memif-perf ping -> testpmd macswap -> memif-perf: round trips, each
          reply verified the same way (the checksum skips the MAC addresses)

Zero-copy (--zero-copy, --role client only: DPDK ignores zero-copy=yes as
a server).  testpmd runs as a client with zero-copy=yes: region 0 is a
sealed memfd holding only the rings, region 1 is testpmd's own memory (its
first memseg list, i.e. its mbuf pool), which it hands over as it is:
unsealed.  A default memif-native master refuses it:
  --expect-refusal  memif-perf --master WITHOUT --allow-unsealed; passes if
          testpmd is told "region N not sealed: master needs
          allow_unsealed_regions" (DISCONNECT), our stderr carries the same
          reason and the WARN line naming the region, the peer and
          --allow-unsealed, testpmd's link stays down and memif-perf never
          connects (exit 3).
  otherwise memif-perf gets --allow-unsealed and the case runs as above.
DPDK 22.11's zero-copy needs its memory in one file per memseg list
(memif_set_zc: "Zero-copy doesn't support multi-file segments" otherwise),
so EAL runs with --single-file-segments, and either
  --memory nohuge (default): --no-huge -m 1024: an unsealed memfd
          ("nohuge"); no hugepages needed.  (--no-huge implies legacy
          memory, which EAL refuses together with --in-memory.)
  --memory hugepages: --in-memory -m 256|512: a MFD_HUGETLB memfd, no
          hugetlbfs mount needed.  The 2 MiB pages it needs are reserved
          here if missing (as root: nr_hugepages raised, restored at exit);
          if they cannot be, the case skips (77), or fails in CI.
Zero-copy buffers are testpmd's mbufs: their data room minus headroom is
the buffer size it lends (2048 with the default --mbuf-size, bsize with
--mbuf-size=bsize+128 as below); the bsize devarg only sizes copy-mode
buffers.  Counts are as below, except that a zero-copy client lends RX
buffers only in batches of 32 or more, so up to 31 ring slots stay unlent
when testpmd stops: what sits in our full TX ring is between
(ring_size - 31) // (buffers per frame) and ring_size // (buffers per frame)
frames per queue.  Its zero-copy TX (one descriptor per mbuf segment, each
chain checked against the free slots) does not have the copy-mode overrun
described at the end, so chained frames from DPDK are checked strictly.

Our zero-copy slave (--slave-zero-copy, --role server, txonly, rxonly or
io): memif-perf --slave --zero-copy sends from and receives into a pool of
its own, announced as region 1 (sealed: testpmd maps it as it maps region
0).  Its pool buffers hold a frame whole (a power of two >= the frame), so
it sends one descriptor per frame and its full TX ring holds ring_size
frames; DPDK still writes its chains into the buffers we lend, one mbuf
segment each.  Counts and checks are as below.

Stop order.  testpmd always stops forwarding ("stop", which also prints its
counters) before either side disconnects, for two reasons found here:
  * DPDK forgets its port counters on disconnect (memif_disconnect zeroes
    pmd->run, and stats_get loops over pmd->run's ring counts), and
  * DPDK 22.11 unmaps the regions on a peer's DISCONNECT from its control
    thread without stopping its forwarding lcore first, so a disconnect
    while testpmd forwards can kill it with SIGSEGV (seen in about one run
    in five as a client doing io) or hang it.
So: traffic runs for --seconds; testpmd stops; its counters are read with
the link up; memif-perf then gets SIGINT and ends gracefully (it closes
first: a slave left running would try to reconnect while testpmd tears
down, which has crashed testpmd at exit); testpmd quits.  Counts are then
exact:
  txonly  we received == testpmd sent, every frame --size bytes long.
  rxonly  we sent == testpmd received + what sits in the ring: memif-perf
          keeps transmitting after testpmd stopped, so each TX ring ends
          full, i.e. holds exactly ring_size // (buffers per frame) frames.
  io      the same for our TX; we received == testpmd sent; testpmd
          received == sent + TX drops (our RX ring full: reported, not
          failed); zero corruption, zero foreign, no reordering.
  ping    replies == testpmd sent == testpmd received; the pings testpmd
          never read (sent after it stopped) are exactly the timeouts.

Known DPDK 22.11 quirk (issue 3; seen here): its copy-mode TX of a frame
that spans several memif buffers does not count the frame's first slot
against the free slots, so with the ring nearly full it writes one slot
past what the receiver lent it, after which its uint16 free count wraps and
it writes on into slots it does not own.  memif-native's receiver sees the
producer index out of range and disconnects ("ring index out of range").
Where testpmd sends such frames (txonly/io at 9000 bytes with 2048-byte
buffers) a run passes if it stayed exact, or if that fault was detected --
then testpmd may also crash as above; what happened is printed either way.
With bsize=9216 (one buffer per frame) every check is strict.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# test/testpmd.py: the launcher shared with the benchmark and run-dpdk.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)),
                                os.pardir))
import testpmd  # noqa: E402

SKIP = 77
RING_LOG2 = 10
FAULT_RE = re.compile(r"Disconnect received: ring index out of range")

procs = []  # everything we started, for cleanup


def say(msg=""):
    print(msg, flush=True)


def on_term(sig, frame):
    testpmd.kill_all(procs)
    sys.exit(1)


class Fail(Exception):
    pass


class MemifPerf:
    def __init__(self, argv, tmpdir):
        self.out_path = os.path.join(tmpdir, "memif-perf.json")
        self.err_path = os.path.join(tmpdir, "memif-perf.stderr")
        self.fo = open(self.out_path, "wb")
        self.fe = open(self.err_path, "wb")
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                  stdout=self.fo, stderr=self.fe,
                                  start_new_session=True)
        procs.append(self.p)
        self.res = None

    def alive(self):
        return self.p.poll() is None

    def interrupt(self):
        if self.alive():
            os.kill(self.p.pid, signal.SIGINT)

    def wait(self, timeout):
        if not testpmd.wait_or_kill(self.p, timeout):
            raise Fail("memif-perf did not finish within %d s" % timeout)
        self.fo.close()
        self.fe.close()
        self.res = testpmd.last_json(self.out_path)
        return self.p.returncode

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode(errors="replace")


HUGE_SYSFS = "/sys/kernel/mm/hugepages/hugepages-2048kB"


def reserve_hugepages(need):
    """Make `need` free 2 MiB hugepages available.  Returns (undo, None):
    undo() restores what was changed (None if nothing was), or (None,
    why) if they cannot be had."""
    nr_path = os.path.join(HUGE_SYSFS, "nr_hugepages")
    free_path = os.path.join(HUGE_SYSFS, "free_hugepages")

    def rd(path):
        with open(path) as f:
            return int(f.read())
    try:
        total, free = rd(nr_path), rd(free_path)
    except (OSError, ValueError) as e:
        return None, "no 2 MiB hugepages on this kernel (%s)" % e
    if free >= need:
        say("hugepages:  %d of 2 MiB free (%d needed); nothing reserved"
            % (free, need))
        return None, None
    want = total + need - free
    try:
        with open(nr_path, "w") as f:
            f.write("%d\n" % want)
    except OSError as e:
        return None, ("%d free 2 MiB hugepages, %d needed, and raising "
                      "vm.nr_hugepages to %d failed: %s (run as root, or "
                      "reserve them first)" % (free, need, want, e))

    def undo():
        try:
            with open(nr_path, "w") as f:
                f.write("%d\n" % total)
            say("hugepages:  vm.nr_hugepages restored to %d" % total)
        except OSError as e:
            say("WARNING: could not restore vm.nr_hugepages to %d: %s"
                % (total, e))
    got = rd(free_path)
    if got < need:
        undo()
        return None, ("asked the kernel for %d more 2 MiB hugepages "
                      "(vm.nr_hugepages %d -> %d) but only %d are free, %d "
                      "needed (memory too fragmented?)"
                      % (want - total, total, want, got, need))
    say("hugepages:  vm.nr_hugepages %d -> %d (%d free, %d needed); "
        "restored at exit" % (total, want, got, need))
    return undo, None


def check_refusal(tp, mp):
    """--expect-refusal: our master, without --allow-unsealed, refuses the
    zero-copy client's unsealed region and says why on both sides."""
    errs = []
    m = tp.wait_for(r"Disconnect received: ([^\n]*)", 0, 20)
    reason = m.group(1).strip() if m else None
    say("testpmd:    DISCONNECT reason received: %s"
        % (repr(reason) if reason else "none within 20 s"))
    if not reason:
        errs.append("testpmd was not told why it was refused")
    elif not re.search(r"^region \d+ not sealed: master needs "
                       r"allow_unsealed_regions$", reason):
        errs.append("unexpected DISCONNECT reason %r" % reason)
    # Our side logs the refusal as it sends the DISCONNECT.
    deadline = time.monotonic() + 5
    while (time.monotonic() < deadline and
           "allow_unsealed" not in mp.stderr()):
        time.sleep(0.05)
    # It must stay unconnected: give a late connect time to show.
    time.sleep(0.5)
    link = tp.link_state()
    alive = mp.alive()
    mp.interrupt()
    mp_rc = mp.wait(30)
    tp_rc = tp.quit()
    err = mp.stderr()
    ours = [ln for ln in err.splitlines()
            if re.search(r"not sealed|refus", ln)]
    say("memif-perf: %s" % ("\n            ".join(ours) if ours
                            else "(no refusal logged)"))
    say("testpmd:    link %s; exit %s.  memif-perf: %s until SIGINT, exit "
        "%s" % (link, tp_rc, "alive" if alive else "ended", mp_rc))
    if "not sealed" not in err or "allow_unsealed" not in err:
        errs.append("memif-perf's log does not carry the refusal reason "
                    "(\"not sealed\", \"allow_unsealed\")")
    warn = [ln for ln in ours if " warn " in ln and "--allow-unsealed" in ln]
    if not warn:
        errs.append("no WARN line naming --allow-unsealed")
    elif not re.search(r"region \d+ from \"DPDK[^\"]*\"", warn[0]):
        errs.append("the WARN line names neither the region nor the peer")
    if re.search(r"\bconnected to\b", err) or (mp.res and
                                                mp.res.get("connected")):
        errs.append("memif-perf connected anyway")
    if link != "down":
        errs.append("testpmd's link is %s, not down" % link)
    if not alive:
        errs.append("memif-perf did not keep listening after the refusal")
    if mp_rc != 3:
        errs.append("memif-perf exit status %s, not 3 (no connection)"
                    % mp_rc)
    if tp_rc != 0:
        errs.append("testpmd exit status %s" % tp_rc)
    if errs:
        raise Fail("; ".join(errs))


class Case:
    """One case: its plan (queues, socket, testpmd's and memif-perf's
    command lines), the two processes, and what they reported."""

    def __init__(self, a, exe):
        self.a = a
        self.spp = -(-a.size // a.bsize)  # memif buffers per frame
        # DPDK's ring overrun (see the top) is in its copy-mode TX only.
        self.dpdk_sends_chains = (self.spp > 1 and
                                  a.case in ("txonly", "io") and
                                  not a.zero_copy)
        self.queues = self._queues()
        # Our zero-copy TX: one pool buffer per frame.
        self.in_ring = self.queues * ((1 << RING_LOG2) //
                                      (1 if a.slave_zero_copy else self.spp))
        # A zero-copy client refills its RX ring only when 32 or more
        # slots are free: up to 31 stay unlent.
        self.in_ring_min = (self.queues *
                            (((1 << RING_LOG2) - 31) // self.spp)
                            if a.zero_copy else self.in_ring)
        cpus = sorted(os.sched_getaffinity(0))
        self.tp_cpu = cpus[0]
        self.our_cpu = cpus[1] if len(cpus) > 1 else cpus[0]
        self.tmpdir = tempfile.mkdtemp(prefix="memif-interop-")
        self.tag = "memif-interop-%d" % os.getpid()
        if a.role == "server":
            self.our_sock = os.path.join(self.tmpdir, "memif.sock")
        else:
            # No socket-abstract: its default (yes) is what is being
            # tested.
            self.our_sock = "@%s-%s-%d" % (self.tag, a.case, a.size)
        self.fwd = {"txonly": "txonly", "rxonly": "rxonly", "io": "io",
                    "ping": "macswap"}[a.case]
        self.tp_cmd = self._testpmd_command(exe)
        self.mp_mode = {"txonly": "rx", "rxonly": "tx", "io": "tx",
                        "ping": "ping"}[a.case]
        self.mp_argv = self._memif_perf_argv()
        self.tp = self.mp = None
        self.st = self.cut_short = None
        self.tp_rc = self.mp_rc = None
        self.faulted = False
        self.notes = []

    def _queues(self):
        a = self.a
        if a.queues:
            return a.queues
        if a.case in ("io", "ping") or self.dpdk_sends_chains:
            # io/ping: two queue pairs for coverage; DPDK sending chains:
            # its per-stream counters survive the disconnect its bug
            # provokes.
            return 2
        return 1

    def _eal_memory(self):
        """testpmd's EAL memory arguments, and the MiB of hugepages they
        take (0: none)."""
        a = self.a
        if not a.zero_copy:
            return ["--no-huge", "-m", "1024"], 0
        if a.memory == "nohuge":
            # Zero-copy needs one file per memseg list; --no-huge puts the
            # memory in one memfd, but only says so to the PMD if asked.
            return ["--no-huge", "--single-file-segments", "-m", "1024"], 0
        # In-memory hugepages are MFD_HUGETLB memfds: no hugetlbfs mount
        # needed, no files left behind.
        huge_mb = 256 if a.bsize <= 2048 else 512
        return ["--in-memory", "--single-file-segments", "-m",
                str(huge_mb)], huge_mb

    def _testpmd_command(self, exe):
        a = self.a
        eal_mem, self.huge_mb = self._eal_memory()
        port = testpmd.vdev(a.role, self.our_sock, bsize=a.bsize,
                            rsize=RING_LOG2, zero_copy=a.zero_copy)
        return testpmd.command(
            exe, port, self.tag,
            testpmd.app_args(self.fwd, size=a.size, bsize=a.bsize,
                             queues=self.queues),
            cpu=self.tp_cpu, memory=eal_mem, telemetry=False,
            log_level="pmd.net.memif:info")

    def _memif_perf_argv(self):
        a = self.a
        # No --duration limit: our SIGINT stops it once testpmd has
        # stopped.
        argv = [a.memif_perf,
                "--slave" if a.role == "server" else "--master",
                "--socket", self.our_sock, "--queues", str(self.queues),
                "--ring-log2", str(RING_LOG2), "--buffer-size", str(a.bsize),
                "--size", str(a.size), "--" + a.rx_mode,
                "--cpu", ",".join([str(self.our_cpu)] * self.queues),
                "--wait-timeout", "20", "--duration", "0",
                "--json", "--quiet", "-v", self.mp_mode]
        if a.zero_copy and not a.expect_refusal:
            argv[-1:-1] = ["--allow-unsealed"]
        if a.slave_zero_copy:
            argv[-1:-1] = ["--zero-copy"]
        if a.case in ("io", "ping"):
            # Every byte of what comes back is checked, not just the
            # headers.
            argv[-1:-1] = ["--fill", "full"]
        return argv

    def describe(self):
        a = self.a
        if a.expect_refusal:
            say("case: testpmd client zero-copy (memory: %s) -> memif-perf "
                "master without --allow-unsealed: must be refused"
                % a.memory)
        else:
            say("case: testpmd %s%s %s <-> memif-perf %s%s %s; %d-byte "
                "frames, %d-byte buffers (%d per frame), %d queue pair(s), "
                "memif-perf receives by %s"
                % (a.role, " zero-copy (memory: %s)" % a.memory
                   if a.zero_copy else "", self.fwd,
                   "slave" if a.role == "server" else "master",
                   " zero-copy" if a.slave_zero_copy else "",
                   self.mp_mode, a.size, a.bsize, self.spp, self.queues,
                   a.rx_mode))
        say("testpmd:    " + " ".join(self.tp_cmd))
        say("memif-perf: " + " ".join(self.mp_argv))

    def start(self):
        """Start order: DPDK's client connects once, so our master first;
        our slave retries, so after testpmd as server.  For a refusal,
        up to testpmd's prompt; otherwise until the link is up."""
        a = self.a
        if a.role == "client":
            self.mp = MemifPerf(self.mp_argv, self.tmpdir)
            if not testpmd.wait_listening(self.our_sock, 10):
                raise Fail("memif-perf is not listening on %s"
                           % self.our_sock)
        self.tp = testpmd.TestPmd(self.tp_cmd,
                                  os.path.join(self.tmpdir, "testpmd.log"),
                                  procs=procs, error=Fail, prefix=self.tag)
        self.tp.ready(60)
        if a.expect_refusal:
            return
        if a.case == "io":
            self.tp.cmd("set fwd io retry")
        if a.role == "server":
            self.mp = MemifPerf(self.mp_argv, self.tmpdir)
        self.tp.wait_link_up(20)

    def forward(self):
        """Forward for --seconds, then stop in the order the top explains:
        testpmd stops (its counters read), memif-perf ends, testpmd
        quits."""
        a, tp, mp = self.a, self.tp, self.mp
        try:
            tp.cmd("start")
            time.sleep(a.seconds)
            if not mp.alive():
                raise Fail("memif-perf ended while testpmd was forwarding "
                           "(status %s)" % mp.p.poll())
            # testpmd stops first, its counters read while the link is up.
            self.st = tp.stop_stats(self.queues, timeout=30)
            # Let our side drain its RX rings (txonly), or (rxonly, io,
            # ping) keep transmitting until its TX rings are full -- give a
            # thread that shares its cpu time to get there.
            time.sleep(1.0 if a.case == "txonly" else 0.3)
            # Then memif-perf ends first (SIGINT: soft stop, summary,
            # close) so that testpmd, stopped, sees the disconnect and
            # quits with no peer left that could reconnect while it tears
            # down.
            mp.interrupt()
            self.mp_rc = mp.wait(30)
            self.tp_rc = tp.quit()
        except Fail as e:
            # DPDK's ring overrun (see the top) ends the run early: judged
            # below, after collecting what is left.  Anything else fails.
            if not self.dpdk_sends_chains:
                raise
            self.cut_short = e
            self._collect_cut_short()
        self._settle()

    def _collect_cut_short(self):
        tp, mp = self.tp, self.mp
        if self.st is None and tp.alive():
            try:
                self.st = tp.stop_stats(self.queues, timeout=10)
            except Fail:
                pass
        if self.mp_rc is None:
            mp.interrupt()
            self.mp_rc = mp.wait(30)
        if tp.alive():
            try:
                tp.quit(timeout=10)
            except Fail:
                pass
        self.tp_rc = tp.p.poll()

    def _settle(self):
        """Whether DPDK's overrun was seen; a run cut short passes on only
        if it was."""
        r = self.mp.res
        # Our library's verdict on DPDK's overrun reaches testpmd as the
        # DISCONNECT reason -- unless memif-perf, whose receive call
        # already failed, closes first: then the reason sent is "interface
        # deleted", and the fault shows only in our bad-descriptor count.
        self.faulted = bool(FAULT_RE.search(self.tp.text()) or
                            (r and r["library"].get("rx_drops_bad_desc", 0)))
        if self.cut_short and not (self.dpdk_sends_chains and self.faulted):
            raise self.cut_short
        if self.cut_short:
            self.notes.append("run cut short: %s" % self.cut_short)

    def report(self):
        """Print both sides' counters; Fail if memif-perf printed none."""
        st, r = self.st, self.mp.res
        if st:
            say("testpmd:    rx %d  tx %d  tx-dropped %d  (%s); exit %s"
                % (st["rx"], st["tx"], st["dropped"], st["source"],
                   self.tp_rc))
        else:
            say("testpmd:    no counters; exit %s" % self.tp_rc)
        if r is None:
            raise Fail("memif-perf printed no JSON summary (exit %s)"
                       % self.mp_rc)
        rx, tx, lat = r["rx"], r["tx"], r["latency_ns"]
        lib = r.get("library", {})
        say("memif-perf: tx %d (%.3f Mpps)  rx %d (%.3f Mpps)  rx-bytes %d  "
            "loss %d  reorder %d  corrupt %d  foreign %d  misqueued %d; "
            "exit %d"
            % (tx["packets"], tx.get("mpps", 0.0), rx["packets"],
               rx.get("mpps", 0.0), rx["bytes"], rx["loss"], rx["reorder"],
               rx["corrupt"], rx["foreign"], rx["misqueued"], self.mp_rc))
        say("            library: rx drops bad-desc %d too-long %d; "
            "rx interrupts %d" % (lib.get("rx_drops_bad_desc", 0),
                                  lib.get("rx_drops_too_long", 0),
                                  lib.get("interrupts_rx", 0)))
        if self.a.case == "ping":
            say("            ping: %d replies, %d timeouts; p50 %d ns, p99 "
                "%d ns" % (lat["samples"], lat["timeouts"], lat["p50"],
                           lat["p99"]))

    def judge(self):
        """The failed checks (empty: pass); notes into self.notes."""
        errs = []

        def check(cond, what):
            if not cond:
                errs.append(what)

        r = self.mp.res
        check(r["connected"], "memif-perf never connected")
        san = re.findall(r"^.*(?:runtime error:|Sanitizer).*$",
                         self.mp.stderr(), re.M)
        check(not san, "sanitizer report from memif-perf: %s"
              % "; ".join(san[:3]))
        if self.dpdk_sends_chains and self.faulted:
            self._note_overrun()
            # What stays deterministic: our side noticed, survived and
            # ended normally (1 = it counted corrupt frames or loss).
            check(self.mp_rc in (0, 1),
                  "memif-perf exit status %d" % self.mp_rc)
            return errs
        self._check_exact(check)
        if self.dpdk_sends_chains:
            self.notes.append("DPDK sent chained frames and this run "
                              "stayed exact (its ring overrun did not "
                              "trigger)")
        return errs

    def _note_overrun(self):
        """What a run that met DPDK's overrun saw, as notes."""
        a, st, r, tp_rc = self.a, self.st, self.mp.res, self.tp_rc
        rx, tx = r["rx"], r["tx"]
        self.notes.append(
            "KNOWN DPDK 22.11 BUG: its copy-mode TX of frames spanning "
            "several memif buffers overran the ring (wrote slots it had "
            "not been given); memif-native saw the producer index out of "
            "range and disconnected (%s). The counts are not "
            "deterministic:" % (
                "testpmd logged our reason, \"ring index out of range\""
                if FAULT_RE.search(self.tp.text()) else
                "%d bad-descriptor drops counted; testpmd was told "
                "\"interface deleted\" as memif-perf closed first"
                % r["library"].get("rx_drops_bad_desc", 0)))
        if a.case == "txonly":
            self.notes.append(
                "  testpmd sent %s; we received %d frames, %d bytes "
                "(%d if all were %d bytes): %s not received"
                % ("?" if not st else st["tx"], rx["packets"],
                   rx["bytes"], rx["packets"] * a.size, a.size,
                   "?" if not st else st["tx"] - rx["packets"]))
        else:
            self.notes.append(
                "  we sent %d; testpmd received %s, returned %s, "
                "dropped %s; we got %d back (%d corrupt, %d foreign, "
                "%d reordered)"
                % (tx["packets"], "?" if not st else st["rx"],
                   "?" if not st else st["tx"],
                   "?" if not st else st["dropped"], rx["packets"],
                   rx["corrupt"], rx["foreign"], rx["reorder"]))
        if tp_rc not in (0, None):
            self.notes.append(
                "  testpmd then exited with status %s (-11: SIGSEGV; it "
                "unmaps the regions on a DISCONNECT while its lcore is "
                "still forwarding)" % tp_rc)

    def _check_exact(self, check):
        """The exact counts of a run DPDK's overrun did not disturb."""
        a, r = self.a, self.mp.res
        rx, lib = r["rx"], r.get("library", {})
        check(self.tp_rc == 0, "testpmd exit status %s" % self.tp_rc)
        check(self.mp_rc == 0, "memif-perf exit status %d" % self.mp_rc)
        check(rx["corrupt"] == 0, "%d corrupted frames" % rx["corrupt"])
        check(lib.get("rx_drops_bad_desc", 0) == 0 and
              lib.get("rx_drops_too_long", 0) == 0,
              "our library dropped frames with bad descriptors")
        if a.case == "txonly":
            self._check_txonly(check)
        if a.case in ("rxonly", "io"):
            self._check_our_tx(check)
        if a.case == "rxonly":
            check(self.st["tx"] == 0 and self.st["dropped"] == 0,
                  "testpmd rxonly transmitted")
            check(rx["packets"] == 0, "memif-perf received %d"
                  % rx["packets"])
        if a.case == "io":
            self._check_io(check)
        if a.case == "ping":
            self._check_ping(check)

    def _check_txonly(self, check):
        st, rx, size = self.st, self.mp.res["rx"], self.a.size
        check(st["tx"] > 0, "testpmd sent nothing")
        check(rx["packets"] == st["tx"],
              "testpmd sent %d, memif-perf received %d"
              % (st["tx"], rx["packets"]))
        check(rx["bytes"] == rx["packets"] * size,
              "received %d bytes in %d frames of %d"
              % (rx["bytes"], rx["packets"], size))
        check(rx["foreign"] == rx["packets"],
              "%d of testpmd's frames parsed as memif-perf's"
              % (rx["packets"] - rx["foreign"]))

    def _check_our_tx(self, check):
        """We sent what testpmd received plus what fills our TX rings."""
        st, tx = self.st, self.mp.res["tx"]
        in_ring, in_ring_min = self.in_ring, self.in_ring_min
        check(st["rx"] > 0, "testpmd received nothing")
        left = tx["packets"] - st["rx"]
        if in_ring_min != in_ring:
            say("            %d frames left in our TX ring(s) "
                "(zero-copy: %d..%d)" % (left, in_ring_min, in_ring))
        check(in_ring_min <= left <= in_ring,
              "memif-perf sent %d, testpmd received %d: %d left in "
              "the full ring(s), not %s"
              % (tx["packets"], st["rx"], left,
                 in_ring if in_ring_min == in_ring else
                 "%d..%d" % (in_ring_min, in_ring)))

    def _check_io(self, check):
        st, rx, size = self.st, self.mp.res["rx"], self.a.size
        check(rx["packets"] == st["tx"],
              "testpmd returned %d, memif-perf received %d"
              % (st["tx"], rx["packets"]))
        check(st["tx"] + st["dropped"] == st["rx"],
              "testpmd: tx %d + dropped %d != rx %d"
              % (st["tx"], st["dropped"], st["rx"]))
        check(rx["packets"] > 0, "nothing came back")
        check(rx["foreign"] == 0 and rx["misqueued"] == 0,
              "returned frames: %d foreign, %d on the wrong queue"
              % (rx["foreign"], rx["misqueued"]))
        check(rx["bytes"] == rx["packets"] * size,
              "returned %d bytes in %d frames of %d"
              % (rx["bytes"], rx["packets"], size))
        check(rx["reorder"] == 0, "%d reordered" % rx["reorder"])
        check(rx["loss"] <= st["dropped"],
              "memif-perf counts %d lost, testpmd dropped only %d"
              % (rx["loss"], st["dropped"]))
        if st["dropped"]:
            self.notes.append(
                "testpmd could not return %d of %d frames (%.2f%%): "
                "our RX ring was full and io retry gave up"
                % (st["dropped"], st["rx"],
                   100.0 * st["dropped"] / max(st["rx"], 1)))

    def _check_ping(self, check):
        st, r = self.st, self.mp.res
        rx, tx, lat = r["rx"], r["tx"], r["latency_ns"]
        check(st["rx"] > 0, "testpmd received no ping")
        check(st["tx"] == st["rx"] and st["dropped"] == 0,
              "testpmd macswap: rx %d tx %d dropped %d"
              % (st["rx"], st["tx"], st["dropped"]))
        check(lat["samples"] == st["tx"] and
              rx["packets"] == st["tx"],
              "testpmd returned %d pings, memif-perf received %d, "
              "%d valid replies"
              % (st["tx"], rx["packets"], lat["samples"]))
        check(rx["foreign"] == 0 and rx["misqueued"] == 0,
              "replies: %d foreign, %d on the wrong queue"
              % (rx["foreign"], rx["misqueued"]))
        # The pings sent after testpmd stopped sit in the ring and time
        # out; no other may.
        check(lat["timeouts"] == tx["packets"] - st["rx"],
              "%d timeouts, but %d pings never reached testpmd"
              % (lat["timeouts"], tx["packets"] - st["rx"]))

    def finish(self, verdict):
        """Kill what is left; on failure, show both sides' last words."""
        tp, mp = self.tp, self.mp
        testpmd.kill_all(procs)
        if verdict:
            if tp:
                say("---- testpmd output (last lines) ----")
                say(tp.tail(60, "\n"))
            if mp:
                try:
                    say("---- memif-perf stderr ----")
                    say(mp.stderr().strip())
                except OSError:
                    pass
        if tp:
            tp.log.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def find_peers(a):
    """testpmd's path, or (None, exit status) when the case cannot run."""
    exe = testpmd.find()
    if not exe:
        msg = "dpdk-testpmd not found (Debian: apt install dpdk)"
        if testpmd.in_ci():
            say("FAIL: %s; the interop suite requires it in CI" % msg)
            return None, 1
        say("SKIP: " + msg)
        return None, SKIP
    if not os.access(a.memif_perf, os.X_OK):
        say("FAIL: memif-perf not executable: %s" % a.memif_perf)
        return None, 1
    return exe, None


def hugepages_for(c):
    """Reserve the case's hugepages.  Returns (undo or None, None), or
    (None, exit status) when they cannot be had."""
    if not c.huge_mb:
        return None, None
    undo, why = reserve_hugepages(c.huge_mb // 2 + 8)
    if not why:
        return undo, None
    if testpmd.in_ci():
        say("FAIL: %s; this case needs them in CI" % why)
        return None, 1
    say("SKIP: " + why)
    return None, SKIP


def run(a):
    exe, rc = find_peers(a)
    if not exe:
        return rc
    c = Case(a, exe)
    c.describe()
    undo_huge, rc = hugepages_for(c)
    if rc is not None:
        return rc
    verdict = 1
    try:
        c.start()
        if a.expect_refusal:
            check_refusal(c.tp, c.mp)
            verdict = 0
            say("PASS")
            return verdict
        c.forward()
        c.report()
        errs = c.judge()
        for n in c.notes:
            say("NOTE: " + n)
        if errs:
            raise Fail("; ".join(errs))
        verdict = 0
        say("PASS")
    except Fail as e:
        say("FAIL: %s" % e)
        verdict = 1
    finally:
        c.finish(verdict)
        if undo_huge:
            undo_huge()
        # Also when testpmd was killed, not quit.
        testpmd.remove_runtime_dir(c.tag)
    return verdict


def main():
    ap = argparse.ArgumentParser(
        description="memif-perf against dpdk-testpmd (one interop case)")
    ap.add_argument("memif_perf")
    ap.add_argument("--role", choices=("server", "client"), required=True,
                    help="testpmd's role")
    ap.add_argument("--case", choices=("txonly", "rxonly", "io", "ping"),
                    help="required, except with --expect-refusal")
    ap.add_argument("--size", type=int, default=64, help="frame bytes")
    ap.add_argument("--bsize", type=int, default=2048,
                    help="memif buffer size, both sides")
    ap.add_argument("--rx-mode", choices=("polling", "interrupt"),
                    default="polling", help="memif-perf's receive mode")
    ap.add_argument("--queues", type=int, default=0,
                    help="queue pairs (default: by case)")
    ap.add_argument("--seconds", type=float, default=1.0,
                    help="how long testpmd forwards")
    ap.add_argument("--zero-copy", action="store_true",
                    help="testpmd client with zero-copy=yes (its unsealed "
                    "mempool memory as region 1); memif-perf gets "
                    "--allow-unsealed")
    ap.add_argument("--expect-refusal", action="store_true",
                    help="with --zero-copy: memif-perf without "
                    "--allow-unsealed must refuse it, saying why")
    ap.add_argument("--memory", choices=("nohuge", "hugepages"),
                    default="nohuge",
                    help="with --zero-copy: testpmd's memory (default "
                    "nohuge: a memfd)")
    ap.add_argument("--slave-zero-copy", action="store_true",
                    help="testpmd server against memif-perf --slave "
                    "--zero-copy (its own pool as region 1)")
    a = ap.parse_args()
    if a.slave_zero_copy and (a.role != "server" or a.zero_copy or
                              a.case not in ("txonly", "rxonly", "io")):
        ap.error("--slave-zero-copy needs --role server, no --zero-copy, "
                 "and --case txonly, rxonly or io")
    if a.zero_copy and a.role != "client":
        ap.error("--zero-copy needs --role client (DPDK's server ignores "
                 "zero-copy=yes)")
    if (a.expect_refusal or a.memory != "nohuge") and not a.zero_copy:
        ap.error("--expect-refusal and --memory need --zero-copy")
    if a.case is None:
        if not a.expect_refusal:
            ap.error("--case is required")
        a.case = "txonly"  # no traffic: the connection must not come up
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
