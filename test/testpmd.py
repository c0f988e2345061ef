# SPDX-License-Identifier: MIT
"""dpdk-testpmd as a memif peer: the one launcher of bench/run-bench.py,
test/interop/testpmd-interop.py and test/conform/run-dpdk.py.

  find()          where dpdk-testpmd is ($TESTPMD, PATH, /usr/bin)
  vdev(), app_args(), command()
                  its command line: EAL memory and pinning, the net_memif
                  port, the forwarding application
  TestPmd         one interactive testpmd: its output read as it comes,
                  commands typed on stdin up to the next prompt, link
                  state, port and forwarding counters, quit
  wait_listening()
                  DPDK's client connects once and never retries: our
                  master must listen before it starts
  kill_all()      what was started for a run, killed on the way out
  wait_or_kill(), last_json()
                  the memif-perf on the other side: waited for (killed if
                  it hangs), its JSON summary read back

Socket addresses are spelled as memif-perf spells them: "@name" is the
abstract namespace (DPDK's `socket=name`, abstract by default), anything
else a file (`socket=path,socket-abstract=no`).

Standard library only; the scripts import it by adding this directory to
sys.path from their own location (__file__), so it works from the source
tree, from a build directory and from any working directory.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time

PROMPT = "testpmd> "
# librte_cmdline writes its prompt one character at a time, so a log line
# from another thread (DPDK logs whole lines: "func(): text") can land in
# the middle of it.
_LOGLINE = r"(?:[A-Za-z_][\w.]*(?:\(\))?: [^\n]*\n)*"
PROMPT_RE = _LOGLINE.join(re.escape(c) for c in PROMPT)
_LINK_RE = re.compile(r"^\s*0\s+\S+\s+\S+\s+net_memif\s+(up|down)\b", re.M)


class Error(Exception):
    """testpmd exited, hung, or printed what could not be parsed."""


def find(explicit=None):
    """@explicit, else $TESTPMD, dpdk-testpmd on PATH or
    /usr/bin/dpdk-testpmd; None if that is not an executable."""
    exe = (explicit or os.environ.get("TESTPMD") or
           shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd")
    return exe if os.access(exe, os.X_OK) else None


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def vdev(role, sock, conn_id=None, bsize=None, rsize=None, zero_copy=False):
    """The net_memif0 port: @role "server" (memif master) or "client"
    (slave), on @sock ("@name" or a path); @conn_id may be a placeholder
    such as "{id}"."""
    args = ["net_memif0", "role=" + role]
    if conn_id is not None:
        args.append("id=%s" % conn_id)
    if sock.startswith("@"):
        args.append("socket=" + sock[1:])
    else:
        args += ["socket=" + sock, "socket-abstract=no"]
    if bsize is not None:
        args.append("bsize=%d" % bsize)
    if rsize is not None:
        args.append("rsize=%d" % rsize)
    if zero_copy:
        args.append("zero-copy=yes")
    return ",".join(args)


def segments(size, bsize):
    """A @size-byte frame cut into memif buffers of @bsize bytes."""
    segs, left = [], size
    while left > 0:
        segs.append(min(left, bsize))
        left -= segs[-1]
    return segs


def app_args(fwd, size=64, bsize=2048, queues=None, burst=None,
             auto_start=False, flush_rx=False):
    """testpmd's own arguments: interactive, forwarding mode @fwd on one
    core.  Unless @flush_rx, --no-flush-rx: "start" otherwise reads and
    frees, uncounted, whatever is in the RX rings, and a peer that
    connected first has filled them by then.  Buffers above 2048 bytes
    get mbufs as large (data room = bsize + 128 bytes headroom), so
    testpmd neither receives nor sends them as mbuf chains; txonly sends
    @size-byte frames, one mbuf segment per memif buffer."""
    app = ["-i"]
    if auto_start:
        app.append("--auto-start")
    if not flush_rx:
        app.append("--no-flush-rx")
    app += ["--total-num-mbufs=16384", "--nb-cores=1"]
    if queues:
        app += ["--rxq=%d" % queues, "--txq=%d" % queues]
    if burst:
        app.append("--burst=%d" % burst)
    app.append("--forward-mode=%s" % fwd)
    if bsize > 2048:
        app.append("--mbuf-size=%d" % (bsize + 128))
    if fwd == "txonly":
        app.append("--txpkts=%s" % ",".join(map(str, segments(size,
                                                               bsize))))
    return app


def command(exe, port, prefix, app, cpu=0, memory=("--no-huge", "-m", "256"),
            shconf=False, telemetry=True, log_level=None):
    """The whole argv: EAL (@memory, no PCI, file prefix @prefix, both
    lcores on @cpu, the @port vdev), then @app.  --no-shconf unless
    @shconf; --no-telemetry unless @telemetry."""
    argv = [exe] + list(memory) + ["--no-pci"]
    if not shconf:
        argv.append("--no-shconf")
    if not telemetry:
        argv.append("--no-telemetry")
    argv += ["--file-prefix", prefix, "--lcores", "0@%d,1@%d" % (cpu, cpu)]
    if log_level:
        argv.append("--log-level=" + log_level)
    return argv + ["--vdev=" + port, "--"] + list(app)


def kill_all(procs):
    """SIGKILL each process in @procs that still runs, with its process
    group (each was started in a session of its own), and empty the
    list: what the scripts do on the way out of a run."""
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
    del procs[:]


def wait_or_kill(p, timeout):
    """Wait @timeout seconds for @p to end; if it does not, SIGKILL its
    process group (it was started in a session of its own) and return
    False."""
    try:
        p.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        return False


def last_json(path):
    """The JSON object on the last line of the file @path (memif-perf
    --json's summary), or None."""
    with open(path, "rb") as f:
        data = f.read().decode(errors="replace").strip()
    try:
        return json.loads(data.splitlines()[-1]) if data else None
    except ValueError:
        return None


def remove_runtime_dir(prefix):
    """EAL makes a runtime directory named after the file prefix, even
    with --no-shconf and --no-telemetry."""
    bases = ["/var/run/dpdk", "/tmp/dpdk"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        bases.append(os.path.join(os.environ["XDG_RUNTIME_DIR"], "dpdk"))
    for base in bases:
        shutil.rmtree(os.path.join(base, prefix), ignore_errors=True)


def wait_listening(sock, timeout):
    """Our master (@sock, "@name" or a path) must listen before DPDK's
    client starts: it connects once and never retries (spec Q20)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sock.startswith("@"):
            try:
                with open("/proc/net/unix") as f:
                    if any(len(ln.split()) >= 8 and ln.split()[-1] == sock
                           for ln in f):
                        return True
            except OSError:
                time.sleep(0.5)  # cannot tell: a pause will do
                return True
        elif os.path.exists(sock):
            return True
        time.sleep(0.02)
    return False


class TestPmd:
    """dpdk-testpmd in interactive mode (its argv from command(), perhaps
    behind taskset), commands on a pipe, output read as it comes into a
    buffer and @log_path.  stdbuf -oL: its printf output is otherwise
    block-buffered on a pipe, and line buffering keeps its lines whole.

    @procs: the caller's list of processes to kill on the way out; this
    one is in it until quit().  @error: the exception class raised (the
    caller's own, so its handlers catch it).  @prefix: the EAL file
    prefix, whose runtime directory quit() removes."""

    def __init__(self, argv, log_path, name="testpmd", procs=None,
                 error=Error, prefix=None):
        stdbuf = shutil.which("stdbuf")
        self.argv = ([stdbuf, "-oL", "-eL"] if stdbuf else []) + list(argv)
        self.name, self.error, self.prefix = name, error, prefix
        self.procs = procs if procs is not None else []
        self.log = open(log_path, "wb")
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  start_new_session=True)
        self.procs.append(self.p)
        self.out = bytearray()
        self.eof = False
        self.cv = threading.Condition()
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()

    def _reader(self):
        fd = self.p.stdout.fileno()
        while True:
            try:
                b = os.read(fd, 65536)
            except OSError:
                b = b""
            if not b:
                break
            self.log.write(b)
            self.log.flush()
            with self.cv:
                self.out += b
                self.cv.notify_all()
        with self.cv:
            self.eof = True
            self.cv.notify_all()

    def text(self, start=0):
        with self.cv:
            return self.out[start:].decode(errors="replace")

    def mark(self):
        with self.cv:
            return len(self.out)

    def tail(self, n=6, sep=" | "):
        """The last @n lines worth reading (no blank or msg-type lines)."""
        lines = [ln for ln in self.text().splitlines()
                 if ln.strip() and "msg type" not in ln]
        return sep.join(lines[-n:])

    def wait_for(self, pattern, start, timeout):
        """The first match of @pattern in the output from offset @start,
        within @timeout seconds; None if none came (or testpmd ended)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                m = rx.search(self.out[start:].decode(errors="replace"))
                if m:
                    return m
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return None
                self.cv.wait(min(left, 0.2))

    def alive(self):
        return self.p.poll() is None

    def ready(self, timeout=60):
        """Wait for the first prompt."""
        if not self.wait_for(PROMPT_RE, 0, timeout):
            raise self.error("%s did not reach its prompt (status %s): %s"
                             % (self.name, self.p.poll(), self.tail()))

    def cmd(self, line, timeout=20):
        """Send one command; return its output (up to the next prompt)."""
        if not self.alive():
            raise self.error("%s exited (status %s) before '%s': %s"
                             % (self.name, self.p.returncode, line,
                                self.tail()))
        pos = self.mark()
        try:
            self.p.stdin.write((line + "\n").encode())
            self.p.stdin.flush()
        except OSError as e:
            raise self.error("%s: cannot send '%s': %s"
                             % (self.name, line, e))
        m = self.wait_for(PROMPT_RE, pos, timeout)
        if not m:
            raise self.error("%s: no prompt after '%s' within %d s "
                             "(status %s)" % (self.name, line, timeout,
                                              self.p.poll()))
        return self.text(pos)[:m.start()]

    def link_state(self):
        """Port 0's link: "up", "down", or "?" if the summary does not
        say."""
        m = _LINK_RE.search(self.cmd("show port summary all"))
        return m.group(1) if m else "?"

    def link_up(self):
        return self.link_state() == "up"

    def wait_link_up(self, timeout=20, deadline=None):
        """Until port 0's link is up, for @timeout seconds (or until the
        monotonic @deadline, shared between several testpmds)."""
        deadline = deadline or time.monotonic() + timeout
        while not self.link_up():
            if time.monotonic() > deadline:
                raise self.error("%s: link not up within %d s"
                                 % (self.name, timeout))
            time.sleep(0.05)

    def port_stats(self):
        """(monotonic time, rx packets, tx packets, rx bytes) from port 0's
        counters; the time is the middle of the command."""
        t0 = time.monotonic()
        out = self.cmd("show port stats 0")
        t1 = time.monotonic()
        rx = re.search(r"RX-packets:\s*(\d+)", out)
        tx = re.search(r"TX-packets:\s*(\d+)", out)
        rb = re.search(r"RX-bytes:\s*(\d+)", out)
        if not rx or not tx or not rb:
            raise self.error("%s: cannot parse port stats:\n%s"
                             % (self.name, out))
        return ((t0 + t1) / 2, int(rx.group(1)), int(tx.group(1)),
                int(rb.group(1)))

    def stop_stats(self, queues, timeout=30):
        """Stop forwarding; its counters from what "stop" prints: per
        stream when there are more streams than ports (software counters:
        they survive a disconnect), else the port's (valid only if the
        link is still up).  {"rx", "tx", "dropped", "source"}."""
        out = self.cmd("stop", timeout=timeout)
        streams = re.findall(
            r"Forward Stats for RX Port=\s*(\d+)/Queue=\s*(\d+) -> "
            r"TX Port=\s*(\d+)/Queue=\s*(\d+).*\n\s*RX-packets:\s*(\d+)\s+"
            r"TX-packets:\s*(\d+)\s+TX-dropped:\s*(\d+)", out)
        acc = re.search(
            r"Accumulated forward statistics for all ports.*\n"
            r"\s*RX-packets:\s*(\d+)\s+RX-dropped:\s*(\d+)\s+"
            r"RX-total:\s*(\d+)\s*\n\s*TX-packets:\s*(\d+)\s+"
            r"TX-dropped:\s*(\d+)", out)
        if not acc:
            raise self.error("cannot parse %s's forward statistics:\n%s"
                             % (self.name, out))
        if queues > 1:
            # Streams that moved nothing at all are not printed: they
            # count 0.
            return {"rx": sum(int(s[4]) for s in streams),
                    "tx": sum(int(s[5]) for s in streams),
                    "dropped": sum(int(s[6]) for s in streams),
                    "source": "per-stream counters, %d of %d printed"
                              % (len(streams), queues)}
        return {"rx": int(acc.group(1)), "tx": int(acc.group(4)),
                "dropped": int(acc.group(5)), "source": "port counters"}

    def quit(self, timeout=20, raise_on_hang=True):
        """Type "quit" and wait for the exit; kill it if it hangs (and
        raise, unless not @raise_on_hang).  Return: its exit status."""
        hung = False
        if self.alive():
            try:
                self.p.stdin.write(b"quit\n")
                self.p.stdin.flush()
                self.p.stdin.close()
            except OSError:
                pass
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
                hung = True
        self.t.join(timeout=5)
        self.log.close()
        if self.p in self.procs:
            self.procs.remove(self.p)
        if self.prefix:
            remove_runtime_dir(self.prefix)
        if hung and raise_on_hang:
            raise self.error("%s did not quit within %d s"
                             % (self.name, timeout))
        return self.p.returncode
