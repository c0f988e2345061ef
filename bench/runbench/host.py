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


NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages"


def free_hugepages():
    with open("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") as f:
        return int(f.read())


def reserve_hugepages(want):
    """At least @want free 2 MiB pages in the kernel's pool, raising
    vm.nr_hugepages if need be.  Return: (ok, what was done, the value to
    put back at the end or None)."""
    try:
        with open(NR_HUGEPAGES) as f:
            before = int(f.read())
        free_before = free_hugepages()
        if free_before >= want:
            return True, "%d free 2 MiB pages" % free_before, None
        with open(NR_HUGEPAGES, "w") as f:
            f.write(str(before + want - free_before))
        free = free_hugepages()
    except (OSError, ValueError) as e:
        return False, "no hugepages (%s)" % e, None
    if free < want:
        restore_hugepages(before)
        return False, ("the kernel gave only %d of %d 2 MiB pages" %
                       (free, want)), None
    return True, ("vm.nr_hugepages raised from %d to %d for the run, put "
                  "back after" % (before, before + want - free_before)), before


def restore_hugepages(value):
    try:
        with open(NR_HUGEPAGES, "w") as f:
            f.write(str(value))
    except OSError as e:
        log("could not put vm.nr_hugepages back to %d: %s" % (value, e))


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
