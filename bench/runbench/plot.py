# SPDX-License-Identifier: MIT
"""throughput.png: Mpps and Gbps against frame size, both directions,
through gnuplot."""

import os
import subprocess

from .common import DIR_LABEL, DIRS, SIZES
from .report import find, med, rng, vals


# gnuplot has eight line colours, then starts again: the series after the
# eighth get colours and points of their own.
EXTRA_STYLE = {9: "lc rgb '#8c564b' pt 8", 10: "lc rgb '#7f7f7f' pt 12"}


def plot(groups, t, path, tmp):
    if not t.gnuplot:
        return "gnuplot not found (apt-get install gnuplot-nox): no plot"
    series = [("dpdk", "headers", "DPDK -> DPDK (headers)", 1),
              ("copy", "headers", "ours copy (headers)", 2),
              ("inplace", "headers", "ours in-place (headers)", 3),
              ("ours2dpdk", "headers", "ours -> DPDK (headers)", 4),
              ("dpdk2ours", "headers", "DPDK -> ours (headers)", 5),
              ("zc", "headers", "ours zero-copy slave (headers)", 9),
              ("dpdk_zc", "headers", "DPDK zero-copy client (headers)", 10),
              ("floor", "full", "floor, write+read (full)", 6),
              ("copy", "full", "ours copy (full payload)", 7),
              ("inplace", "full", "ours in-place (full payload)", 8)]
    files = {}
    for d in DIRS:
        for key, fill, label, _ in series:
            lines = []
            for size in SIZES:
                g = find(groups, "%s-%d-%s" % ("hdr" if fill == "headers"
                                               else "full", size, d))
                if not g or key not in g.res:
                    continue
                cols = []
                for field in ("mpps", "gbps"):
                    v = vals(g, key, field)
                    m = med(v)
                    lo, hi = rng(v)
                    if m is None:
                        break
                    cols += [m, lo, hi]
                if len(cols) == 6:
                    lines.append("%d %s" % (size, " ".join("%g" % x
                                                           for x in cols)))
            if lines:
                fn = os.path.join(tmp, "plot-%s-%s-%s.dat" % (d, key, fill))
                with open(fn, "w") as f:
                    f.write("\n".join(lines) + "\n")
                files[(d, key, fill)] = fn
    if not files:
        return "no throughput data to plot"
    gp = ["set terminal pngcairo size 1400,1100 font ',10'",
          "set output '%s'" % path,
          "set multiplot layout 2,2 title 'memif throughput vs frame size, "
          "one queue, polling (medians; bars = min-max over the "
          "repetitions; dashed = whole payload written and read)'",
          "set logscale xy", "set xtics (64, 1500, 9000)",
          "set xlabel 'frame size (bytes)'",
          "set grid", "set key right top font ',8'",
          "set xrange [50:12000]"]
    for ycol, ylabel in ((2, "Mpps"), (5, "Gbps (frame bytes)")):
        for d in DIRS:
            plots = []
            for key, fill, label, lt in series:
                fn = files.get((d, key, fill))
                if fn:
                    dash = "dt 2" if fill == "full" else "dt 1"
                    plots.append("'%s' using 1:%d:%d:%d with yerrorlines "
                                 "lt %d %s %s lw 2 title '%s'"
                                 % (fn, ycol, ycol + 1, ycol + 2, lt,
                                    EXTRA_STYLE.get(lt, ""), dash, label))
            if plots:
                gp.append("set key %s font ',8'" % ("left bottom" if ycol == 2
                                                     else "left top"))
                gp.append("set ylabel '%s'" % ylabel)
                gp.append("set title '%s, %s'" % (DIR_LABEL[d], ylabel))
                gp.append("plot " + ", ".join(plots))
    gp.append("unset multiplot")
    script = os.path.join(tmp, "plot.gp")
    with open(script, "w") as f:
        f.write("\n".join(gp) + "\n")
    r = subprocess.run([t.gnuplot, script], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode:
        return "gnuplot failed: %s" % r.stderr.strip()[:300]
    return None
