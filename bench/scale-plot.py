#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
scale-plot.py: bench/scale.png from memif-scale's JSON, with gnuplot.

    memif-scale --json-file scale.json          # the run (bench/RESULTS.md)
    bench/scale-plot.py scale.json [-o bench/scale.png]

Two panels against the number of interfaces N (log scale), one socket
(solid) and N/16 sockets (dashed):
  - time until all N are connected on both sides, from the slave process's
    start, and again after the master process was SIGKILLed and restarted;
  - memory per interface on each side, shared memory excluded: heap
    (mallinfo2) and anonymous RSS, in KiB.
Python 3 standard library and gnuplot (apt-get install gnuplot-nox), as
run-bench.py draws throughput.png.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LAYOUTS = (("one", "one socket", "dt 1"), ("many", "N/16 sockets", "dt 2"))


def series(results, layout, get):
    """(n, value) for every case of @layout without an error, by n."""
    pts = []
    for r in results:
        if r.get("layout") != layout or "error" in r:
            continue
        v = get(r)
        if v is not None and v > 0:
            pts.append((r["n"], v))
    return sorted(pts)


def write_dat(tmp, name, pts):
    path = os.path.join(tmp, name + ".dat")
    with open(path, "w") as f:
        for n, v in pts:
            f.write("%d %g\n" % (n, v))
    return path


def plot(data, out, gnuplot):
    res = data["results"]
    time_curves = [("connect_s", "connect", 1), ("reconnect_s",
                                                 "reconnect after SIGKILL", 2)]
    mem_curves = [
        (lambda r: r["master"]["heap_bytes_per_if"] / 1024, "heap, master", 3),
        (lambda r: r["slave"]["heap_bytes_per_if"] / 1024, "heap, slave", 4),
        (lambda r: r["master"]["rss_anon_bytes_per_if"] / 1024,
         "RssAnon, master", 5),
        (lambda r: r["slave"]["rss_anon_bytes_per_if"] / 1024,
         "RssAnon, slave", 6),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        t_plots, m_plots = [], []
        for lay, lay_label, dash in LAYOUTS:
            for key, label, lt in time_curves:
                pts = series(res, lay, lambda r, k=key: r.get(k))
                if pts:
                    fn = write_dat(tmp, "%s-%s" % (key, lay), pts)
                    t_plots.append("'%s' using 1:2 with linespoints lt %d %s "
                                   "lw 2 pt 7 title '%s, %s'"
                                   % (fn, lt, dash, label, lay_label))
            for i, (get, label, lt) in enumerate(mem_curves):
                pts = series(res, lay, get)
                if pts:
                    fn = write_dat(tmp, "mem%d-%s" % (i, lay), pts)
                    m_plots.append("'%s' using 1:2 with linespoints lt %d %s "
                                   "lw 2 pt 7 title '%s, %s'"
                                   % (fn, lt, dash, label, lay_label))
        if not t_plots and not m_plots:
            return "no results to plot"
        gp = ["set terminal pngcairo size 1400,600 font ',10'",
              "set output '%s'" % out,
              "set multiplot layout 1,2 title 'memif-scale: N masters in one "
              "process, N slaves in another, rings 2^%d, slaves retry every "
              "%d ms'" % (data.get("ring_log2", 0),
                          data.get("reconnect_ms", 0)),
              "set logscale x 2", "set grid",
              "set xlabel 'interfaces (N)'", "set key left top font ',8'"]
        # The goals, as dotted lines: 1,024 connected within 1 s
        # (and the reconnect interval + 1 s), 16 KiB of heap each.
        goal_s = 1 + data.get("reconnect_ms", 0) / 1000.0
        if t_plots:
            gp += ["set logscale y", "set ylabel 'seconds'",
                   "set title 'time until all N are connected on both sides'",
                   "set label 1 'goals for N = 1024: 1 s, reconnect %.1f s' "
                   "at graph 0.98, first %g right offset 0,0.8 font ',8'"
                   % (goal_s, goal_s),
                   "plot " + ", ".join(t_plots) +
                   ", 1 with lines dt 3 lc 'gray40' notitle"
                   ", %g with lines dt 3 lc 'gray40' notitle" % goal_s]
        if m_plots:
            gp += ["unset label 1",
                   "unset logscale y", "set yrange [0:*]",
                   "set ylabel 'KiB per interface'",
                   "set title 'memory per interface, shared memory excluded'",
                   "set label 2 'goal: heap <= 16 KiB' at graph 0.98, first 16 "
                   "right offset 0,0.6 font ',8'",
                   "plot " + ", ".join(m_plots) +
                   ", 16 with lines dt 3 lc 'gray40' notitle"]
        gp.append("unset multiplot")
        script = os.path.join(tmp, "scale.gp")
        with open(script, "w") as f:
            f.write("\n".join(gp) + "\n")
        r = subprocess.run([gnuplot, script], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode:
            return "gnuplot failed: %s" % r.stderr.strip()[:300]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("json", help="memif-scale --json-file output")
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "scale.png"))
    a = ap.parse_args()
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("scale-plot: gnuplot not found (apt-get install gnuplot-nox)",
              file=sys.stderr)
        return 1
    with open(a.json) as f:
        data = json.load(f)
    err = plot(data, a.output, gnuplot)
    if err:
        print("scale-plot: %s" % err, file=sys.stderr)
        return 1
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
