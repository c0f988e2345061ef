# SPDX-License-Identifier: MIT
"""RESULTS.md: how and where it was measured, the tables with what they
mean, the goals, every repetition's figure; and the same tables printed
at the end.  @r is main()'s record of the run: the options (a), tools
(t), command line, start and end, load, groups and syscall counts."""

import os
import platform

from . import ROOT
from .common import BURST, RING_LOG2, S, log
from .host import cpu_model, dpdk_version
from .plot import plot
from .report import (cpu_table, goals, lat_table, raw_table, sc_table,
                     tput_table)
from .runner import BIG_RING


def banners(r):
    """(quick/partial run banner, not-quiet banner): "" where not due.
    Quiet = little load before the start, and other processes took little
    cpu time during the run."""
    a = r.a
    quick_banner = ""
    if a.quick or a.only or a.reps < 3:
        quick_banner = (
            "> **%s.** %s This is a smoke test of the benchmark, not a "
            "measurement: re-run without options on a quiet machine.\n"
            % ("Quick run" if a.quick else "Partial run",
               "%d repetition(s) of %g s per pair%s, load average %s at the "
               "start." % (a.reps, a.seconds,
                           ", groups matching '%s'" % a.only if a.only
                           else "", r.load0)))
    busy = ""
    try:
        l0 = float(r.load0.split()[0])
        if l0 > 1.0 or (r.others is not None and r.others > 0.05):
            busy = ("> **The machine was not quiet**: load average %.2f at "
                    "the start; other processes took %s of the cpu time "
                    "during the run. They time-sliced the pinned, "
                    "busy-polling pairs, so both ends often waited for a "
                    "descheduled peer: figures and ratios are "
                    "unreliable.\n" % (l0, "%.1f%%" % (100 * r.others)
                                       if r.others is not None else "?"))
    except (ValueError, IndexError):
        pass
    return quick_banner, busy


def setup_md(r):
    """The table of date, host, load, peer, build, method, perf stat."""
    a = r.a
    md = ["Regenerate with:\n\n```\n%s\n```\n" % r.cmdline]
    md.append("| | |\n|---|---|")
    md.append("| date | %s (%.0f min) |" % (
        r.started.strftime("%Y-%m-%d %H:%M %Z"),
        (r.finished - r.started).total_seconds() / 60))
    md.append("| host | %s, nproc %d, kernel %s |" % (
        cpu_model(), os.cpu_count(), platform.release()))
    md.append("| load average | %s at the start, %s at the end (the "
              "benchmark's own pinned pollers count in it) |"
              % (r.load0, r.load1))
    md.append("| other processes | %s of the cpu time during the run |"
              % ("%.1f%%" % (100 * r.others) if r.others is not None
                 else "?"))
    md.append("| peer | %s |" % dpdk_version(r.t))
    md.append("| memif-native | %s, release build (%s) |"
              % (r.rev, os.path.relpath(r.t.build, ROOT)))
    md.append("| method | %d interleaved repetitions per comparison, %g s "
              "measured per run after %g s warm-up; master/server pinned to "
              "cpu %d, slave/client to cpu %d; ring 2^%d slots, burst %d, "
              "one queue, polling |" % (a.reps, a.seconds, a.warmup,
                                        S.cpus[0], S.cpus[1], RING_LOG2,
                                        BURST))
    md.append("| hugepages | %s |" % S.hugepages_msg)
    md.append("| perf stat | %s%s |" % (
        r.pstat_msg, "; per-packet counts below" if S.perf_events else
        ": no cycles or instructions per packet"))
    md.append("")
    return md


def section(md, title, table, text):
    """Append a section of its own for @table, if it has rows."""
    if table.count("\n") > 1:
        md.append("## %s\n" % title)
        md.append(text)
        md.append(table + "\n")


def throughput_md(hdr, full, pages):
    md = ["## Throughput, headers only\n"]
    md.append("Sender writes only the Ethernet/IPv4/UDP headers (and "
              "memif-perf its 22-byte test header), receiver reads only "
              "those: what testpmd txonly/rxonly do. DPDK rows are always "
              "headers only (txonly/rxonly have no full-payload mode). DPDK "
              "copies every frame byte between its mbufs and the memif "
              "buffers on both sides; memif-perf's copy path copies the frame "
              "from a staging buffer into the ring (memif_tx_burst), the "
              "in-place path builds it in the ring (memif_tx_alloc/commit), "
              "and its receiver reads in place. 9000 B frames use single "
              "9216-byte buffers on both sides (DPDK's chained copy-mode "
              "TX miscounts free slots); the chained rows use 2048-byte "
              "buffers. The copy floor (bench-floor --copy --headers) is "
              "the limit of any copying transmit here: one core copies each "
              "frame from a buffer of its own into a ring slot with memcpy, "
              "the other reads its first word, no protocol. "
              "Ratio = median over the repetitions of (this run / "
              "the DPDK -> DPDK run of the same repetition). \"Our side "
              "idle\": in DPDK -> ours, the share of our receive polls that "
              "found the ring empty; in ours -> DPDK, the share of our "
              "transmit bursts that found the ring full; high = we waited "
              "for DPDK.\n")
    md.append("Zero-copy rows: memif-perf's slave sends from, or receives "
              "into, a buffer pool of its own that it announced to the "
              "master as a region (memif_tx_burst_zc / memif_rx_burst_zc): "
              "no copy on the slave's side; the master is unchanged (it "
              "copies on transmit, reads in place on receive; \"in-place "
              "-> zero-copy\": it builds the frames in the slave's buffers, "
              "so nothing is copied on either side). \"Hugepages\""
              ": the slave's region and pool on 2 MiB pages (--hugepages). "
              "DPDK's zero-copy client (zero-copy=yes) lends its own mbufs "
              "the same way; it needs its memory in one hugepage memfd "
              "(--in-memory --single-file-segments), so that row runs on "
              "hugepages only. \"Segments\": the receiver takes a chained "
              "frame as its buffers (memif_rx_burst_sg) instead of "
              "reassembling it.\n")
    md.append(hdr + "\n")
    section(md, "Hugepages", pages,
            "The slave's region (and, zero-copy, its pool) on 4 KiB "
            "and on 2 MiB pages, with rings of 2^%d slots: 2 x 16384 "
            "buffers of 9216 bytes span 300 MB, far beyond what the "
            "TLB maps with 4 KiB pages. Headers only; ratio = this run "
            "/ the copy path on 4 KiB pages of the same repetition.\n"
            % BIG_RING)
    section(md, "Throughput, whole payload written and read", full,
            "memif-perf --fill full: the sender writes every byte "
            "(64-bit words), the receiver reads and checksums every "
            "byte. The floor is bench-floor: the same words written by "
            "one core into a ring of 1024 slots of the same size in "
            "shared memory and summed by the other, slots handed over "
            "%d at a time with one release/acquire index pair, no "
            "protocol. The floor with memif descriptors (bench-floor "
            "--desc-s2m/--desc-m2s) hands the slots over through a "
            "memif descriptor ring as well, each side doing only what "
            "its role's procedure asks (the slave writes or refills "
            "descriptors, the master reads and checks them, and in "
            "master->slave also writes their length): what the "
            "protocol itself costs on this machine. Ratio = our GB/s "
            "/ the floor's GB/s, median of per-pair ratios.\n" % BURST)
    return md


def latency_md(r, lat, sct):
    if lat.count("\n") <= 1:
        return []
    md = ["## Latency\n"]
    md.append("Round trip of one 64-byte frame, %d per run: memif-perf "
              "ping (slave, cpu %d) -> memif-perf echo (master, cpu %d); "
              "raw = bench-pingpong, two processes on the same cpus, one "
              "eventfd each way, each side in epoll_wait, then read, then "
              "write the other's eventfd.\n"
              % (r.a.ping_count, S.cpus[1], S.cpus[0]))
    md.append(lat + "\n")
    if r.sc_err:
        md.append("Syscall count failed: %s\n" % "; ".join(r.sc_err))
    if sct:
        md.append("Syscalls per round trip on each side (perf stat on "
                  "the syscall tracepoints, at %d and %d round trips, "
                  "the difference divided; separate runs, not timed):\n"
                  % r.sc_counts)
        md.append(sct + "\n")
    return md


def cpu_md(cput):
    if not cput:
        return []
    return ["## CPU cost per packet (perf stat)\n",
            "perf stat -e %s -p attached to each side (all its "
            "threads) during the measured window, divided by the "
            "packets the pair moved in it (DPDK -> DPDK and ours -> "
            "ours rows). Both sides poll, so the counts include the "
            "spinning of whichever side waits.\n" % S.perf_events,
            cput + "\n"]


def write_results(r):
    """RESULTS.md and throughput.png into --out-dir; the tables on
    stdout."""
    png = os.path.join(r.a.out_dir, "throughput.png")
    perr = plot(r.groups, r.t, png, r.tmp)
    hdr = tput_table(r.groups, "headers")
    full = tput_table(r.groups, "full")
    pages = tput_table(r.groups, "headers", kind="pages",
                       base="copy on 4 KiB pages")
    lat = lat_table(r.groups)
    sct = sc_table(r.sc)
    glt = "\n".join(["| goal (issue 3 unless it says) | measured | "
                     "verdict |",
                     "|---|---|---|"] +
                    ["| %s | %s | %s |" % x for x in goals(r.groups, r.sc)])
    cput = cpu_table(r.groups)
    quick_banner, busy = banners(r)
    md = ["# memif-native vs DPDK net_memif: benchmark results\n",
          quick_banner, busy]
    md += setup_md(r)
    md += throughput_md(hdr, full, pages)
    md += latency_md(r, lat, sct)
    md += cpu_md(cput)
    md += ["## Goals\n", glt + "\n"]
    if perr:
        md.append("Plot: %s\n" % perr)
    else:
        md.append("![throughput vs frame size](throughput.png)\n")
    md += ["## Per-repetition figures\n", raw_table(r.groups) + "\n"]
    text = "\n".join(md)
    # The "## Scale" section is memif-scale's (bench/scale-plot.py), not
    # ours: carried over from the file we replace.
    try:
        with open(os.path.join(r.a.out_dir, "RESULTS.md")) as f:
            old = f.read()
        at = old.find("\n## Scale\n")
        if at >= 0:
            text = text.rstrip("\n") + "\n" + old[at:]
    except OSError:
        pass
    with open(os.path.join(r.a.out_dir, "RESULTS.md"), "w") as f:
        f.write(text)
    print("\n".join([quick_banner.strip(), busy.strip(), "HEADERS ONLY",
                     hdr, "", "HUGEPAGES", pages, "",
                     cput,
                     "FULL PAYLOAD", full, "", "LATENCY", lat, "", sct, "",
                     "GOALS", glt, ""]))
    log("wrote %s and %s" % (os.path.join(r.a.out_dir, "RESULTS.md"),
                             png if not perr else "(no plot: %s)" % perr))
