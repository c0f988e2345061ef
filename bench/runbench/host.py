# SPDX-License-Identifier: MIT
"""The machine: the programs the benchmark runs (its own build, taskset,
perf, gnuplot, testpmd) and the facts RESULTS.md records about the host."""

import os
import platform
import resource
import shutil
import subprocess

import testpmd

from . import ROOT
from .common import log


class Tools:
    def __init__(self, a):
        self.build = os.path.abspath(a.build_dir)
        self.mp = os.path.join(self.build, "bench", "memif-perf")
        self.floor = os.path.join(self.build, "bench", "bench-floor")
        self.pingpong = os.path.join(self.build, "bench", "bench-pingpong")
        self.testpmd = testpmd.find()
        self.taskset = shutil.which("taskset")
        self.gnuplot = shutil.which("gnuplot")
        self.perf = shutil.which("perf")
        self.cpus = a.cpus

    def pin(self, cpu):
        return [self.taskset, "-c", str(cpu)] if self.taskset else []


def build(a):
    bd = os.path.abspath(a.build_dir)
    if not os.path.exists(os.path.join(bd, "build.ninja")):
        log("setting up %s (release build)" % bd)
        subprocess.run(["meson", "setup", bd, "--buildtype=release",
                        "-Dtests=disabled", "-Dexamples=false"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    log("building memif-perf, bench-floor, bench-pingpong in %s" % bd)
    subprocess.run(["ninja", "-C", bd, "bench/memif-perf", "bench/bench-floor",
                    "bench/bench-pingpong"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    return ln.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def dpdk_version(t):
    try:
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}",
                            "dpdk"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        if r.returncode == 0 and r.stdout.strip():
            return "DPDK " + r.stdout.strip() + " (Debian package dpdk)"
    except OSError:
        pass
    return "dpdk-testpmd at %s" % t.testpmd


def git_rev():
    try:
        r = subprocess.run(["git", "-C", ROOT, "describe", "--always",
                            "--dirty"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        return r.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def cpu_seconds():
    """(busy cpu seconds of the whole machine, cpu seconds of this script
    and every child it has reaped).  Their difference over a run is what
    other processes took: the load average cannot say, since the
    benchmark's own pinned pollers keep it near 2."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        busy = (sum(v) - v[3] - v[4]) / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None
    own = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        own += r.ru_utime + r.ru_stime
    return busy, own


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"
