# SPDX-License-Identifier: MIT
"""From the runs' figures to RESULTS.md's tables: medians, min-max,
the median of per-pair ratios, the goals and their verdicts."""

import statistics

from .common import DIR_LABEL, DIRS, SIZES, S


def vals(g, key, field=None):
    field = field or g.metric
    return [r[field] if r else None for r in g.res[key]]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rng(xs):
    xs = [x for x in xs if x is not None]
    return (min(xs), max(xs)) if xs else (None, None)


def ratios(g, key, base=None, field=None):
    a = vals(g, key, field)
    b = vals(g, base or g.base, field)
    return [x / y for x, y in zip(a, b) if x is not None and y]


def fmt(x, nd=2):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return ("%." + str(nd) + "f") % x


def fmt_range(lo, hi, nd=2):
    if lo is None:
        return "-"
    return "%s-%s" % (fmt(lo, nd), fmt(hi, nd))


def ratio_cell(rs):
    if not rs:
        return "-"
    m = statistics.median(rs)
    if len(rs) > 1:
        return "**%.2fx** (%.2f-%.2f)" % (m, min(rs), max(rs))
    return "**%.2fx**" % m


def failures(g, key):
    errs = [e for e in g.err[key] if e]
    return "%d/%d failed" % (len(errs), len(g.err[key])) if errs else ""


def tput_table(groups, fill, kind="tput", base="DPDK->DPDK"):
    """The rows of every group of @kind and @fill; @base names what the
    ratio column divides by."""
    rows = []
    if fill == "headers":
        rows.append("| size | direction | pair (sender -> receiver) | buffers "
                    "| Mpps median | Mpps min-max | Gbps median | ratio / "
                    "%s (median of per-pair) | our side idle | notes |"
                    % base)
        rows.append("|---:|---|---|---|---:|---:|---:|---:|---:|---|")
    else:
        rows.append("| size | direction | pair (writer -> reader) | buffers "
                    "| GB/s median | GB/s min-max | Mpps median | ratio / "
                    "floor (median of per-pair) | notes |")
        rows.append("|---:|---|---|---|---:|---:|---:|---:|---|")
    for g in groups:
        if g.kind != kind or g.fill != fill:
            continue
        for c in g.cfgs:
            notes = []
            f = failures(g, c.key)
            if f:
                notes.append(f + ": " + next(e for e in g.err[c.key] if e)[:120])
            for r in g.res[c.key]:
                if r:
                    for n in r.get("notes", []):
                        if n not in notes:
                            notes.append(n)
            note = "; ".join(notes).replace("|", "/")
            if c.key == g.base:
                rc = "1 (base)"
            else:
                rc = ratio_cell(ratios(g, c.key))
            if fill == "headers":
                mp = vals(g, c.key, "mpps")
                idle = ""
                ie = med(vals(g, c.key, "rx_empty")) if c.key == "dpdk2ours" \
                    else None
                it = med(vals(g, c.key, "tx_full")) if c.key == "ours2dpdk" \
                    else None
                if ie is not None:
                    idle = "rx %.0f%% empty polls" % ie
                if it is not None:
                    idle = "tx %.0f%% ring full" % it
                lo, hi = rng(mp)
                rows.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                            % (g.size, DIR_LABEL[g.direction], c.label,
                               c.info, fmt(med(mp), 3), fmt_range(lo, hi),
                               fmt(med(vals(g, c.key, "gbps"))), rc, idle,
                               note))
            else:
                gb = vals(g, c.key, "gBps")
                lo, hi = rng(gb)
                rows.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s |"
                            % (g.size, DIR_LABEL[g.direction], c.label,
                               c.info, fmt(med(gb)), fmt_range(lo, hi),
                               fmt(med(vals(g, c.key, "mpps")), 3), rc, note))
    return "\n".join(rows)


def lat_table(groups):
    rows = ["| round trip (slave pings, master echoes) | p50 us median | "
            "p50 min-max | p99 us median | ratio p50 / eventfd (median of "
            "per-pair) | notes |",
            "|---|---:|---:|---:|---:|---|"]
    for g in groups:
        if g.kind != "lat":
            continue
        for c in g.cfgs:
            p50 = [x / 1e3 if x is not None else None
                   for x in vals(g, c.key, "p50")]
            p99 = [x / 1e3 if x is not None else None
                   for x in vals(g, c.key, "p99")]
            lo, hi = rng(p50)
            rc = "1 (base)" if c.key == g.base else ratio_cell(
                ratios(g, c.key))
            notes = []
            f = failures(g, c.key)
            if f:
                notes.append(f)
            for r in g.res[c.key]:
                if r:
                    notes += [n for n in r.get("notes", []) if n not in notes]
            rows.append("| %s | %s | %s | %s | %s | %s |"
                        % (c.label, fmt(med(p50)), fmt_range(lo, hi),
                           fmt(med(p99)), rc, "; ".join(notes)))
    return "\n".join(rows)


def find(groups, name):
    for g in groups:
        if g.name == name:
            return g
    return None


def good_placement(groups):
    """The probe threshold (ns) under which a run counts as in good
    placement: twice the 10th percentile of every probe of the benchmark.
    The host's placements differ by about 2-4x (here ~30, ~70 and ~280 ns
    one way), so this keeps the fast ones and drops the slow one, without a
    threshold tied to one machine."""
    xs = sorted(r["xlat"] for g in groups for rs in g.res.values()
                for r in rs if r and r.get("xlat"))
    if not xs:
        return None
    return 2 * xs[int(0.1 * (len(xs) - 1))]


def verdict(ok):
    return "met" if ok else "**not met**"


def ratio_goal(g, key, goal, show, ok):
    """The (goal, measured, verdict) line for the median of @key's
    per-pair ratios in @g, or None without any: show(median) is what was
    measured, ok(median) whether the goal is met."""
    rs = ratios(g, key)
    if not rs:
        return None
    m = statistics.median(rs)
    return (goal, show(m), verdict(ok(m)))


def times(m):
    return "%.2fx" % m


def goals_64(groups):
    """64 B, headers only: 3x DPDK->DPDK, and 40 Mpps in good placement."""
    out = []
    gp = good_placement(groups)
    for d in DIRS:
        g = find(groups, "hdr-64-%s" % d)
        if not g:
            continue
        for key in ("copy", "inplace"):
            out.append(ratio_goal(g, key, "64 B headers %s, %s: >= 3x "
                                  "DPDK->DPDK" % (DIR_LABEL[d], key), times,
                                  lambda m: m >= 3))
            mp = med(vals(g, key, "mpps"))
            lo, hi = rng(vals(g, key, "mpps"))
            if mp is None:
                continue
            good = [r["mpps"] for r in g.res[key] if r and gp and
                    r.get("xlat") and r["xlat"] <= gp]
            gm = med(good)
            out.append(("64 B headers %s, %s: >= 40 Mpps median in good "
                        "placement" % (DIR_LABEL[d], key),
                        "%s in good placement (%d of %d runs with the "
                        "probe <= %.0f ns); all runs %.1f Mpps, max "
                        "%.1f" % ("%.1f Mpps" % gm if gm is not None
                                  else "no run", len(good),
                                  len([r for r in g.res[key] if r]),
                                  gp or 0, mp, hi),
                        verdict(gm is not None and gm >= 40)))
    return out


def goals_large(groups):
    """1500 and 9000 B: 1.5x DPDK->DPDK headers only, 70% of the floor
    with the whole payload (looked at only where the headers-only group
    ran)."""
    kinds = (("hdr", "{size} B headers {dir}, {key}: >= 1.5x DPDK->DPDK",
              times, lambda m: m >= 1.5),
             ("full", "{size} B full payload {dir}, {key}: >= 70% of the "
              "floor's GB/s", lambda m: "%.0f%%" % (100 * m),
              lambda m: m >= 0.7))
    out = []
    for size in (1500, 9000):
        for d in DIRS:
            for name, goal, show, ok in kinds:
                g = find(groups, "%s-%d-%s" % (name, size, d))
                if not g:
                    break
                out += [ratio_goal(g, key, goal.format(
                    size=size, dir=DIR_LABEL[d], key=key), show, ok)
                        for key in ("copy", "inplace")]
                if name == "hdr" and "floor_copy" in g.res:
                    out += [copy_floor_line(g, key, size, d)
                            for key in ("dpdk", "copy")]
    return out


def copy_floor_line(g, key, size, d):
    """Information: @key's rate as a share of the copy floor (one core
    copying each frame into the ring, the other reading its first word),
    the limit of any copying transmit on this machine (issue 16)."""
    rs = ratios(g, key, "floor_copy")
    if not rs:
        return None
    return ("%d B headers %s, %s: share of the copy floor (bench-floor "
            "--copy --headers; information)" % (size, DIR_LABEL[d], key),
            "%.0f%% (%s)" % (100 * statistics.median(rs),
                             fmt_range(min(rs), max(rs))), "-")


def goal_mixed(groups):
    """Every pair with testpmd at least as fast as DPDK->DPDK."""
    worst = None
    for g in groups:
        if g.kind != "tput" or g.fill != "headers":
            continue
        for key in ("ours2dpdk", "dpdk2ours"):
            if key not in g.res:
                continue
            rs = ratios(g, key)
            if rs:
                m = statistics.median(rs)
                if worst is None or m < worst[0]:
                    worst = (m, "%d B %s %s" % (g.size, DIR_LABEL[g.direction],
                                                key))
    if not worst:
        return []
    return [("against testpmd, DPDK the slower side: every mixed "
             "pair >= DPDK->DPDK (1.0x; 0.9x within noise)",
             "lowest %.2fx (%s)" % worst,
             "met" if worst[0] >= 1.0 else
             ("met within noise" if worst[0] >= 0.9 else "**not met**"))]


def goals_latency(groups):
    """Interrupt-mode round trips within 1.1x the raw eventfd ping-pong."""
    g = find(groups, "latency")
    if not g:
        return []
    return [ratio_goal(g, key, "%s round trip <= 1.1x raw eventfd "
                       "ping-pong (p50)" % what, times, lambda m: m <= 1.1)
            for key, what in (("interrupt", "interrupt"),
                              ("edge", "interrupt (edge)"))]


def goals_wakeups(sc):
    """At most one receive-path syscall per wake-up in interrupt mode."""
    out = []
    rw = wake_stats((sc or {}).get("eventfd", {}).get("ping", {}))
    for kind, what in (("interrupt", "interrupt mode"),
                       ("edge", "interrupt (edge) mode")):
        if not sc or kind not in sc:
            continue
        for side in ("ping", "echo"):
            w = wake_stats(sc[kind].get(side, {}))
            if w is None:
                out.append(("%s: <= 1 syscall per wake-up, %s side"
                            % (what, side), "no sleeps counted (the peer "
                            "always answered before this side slept)",
                            "-"))
                continue
            out.append(("%s: <= 1 syscall per wake-up, %s side "
                        "(receive-path syscalls, i.e. waits + eventfd "
                        "reads, per wait)"
                        % (what, "slave/ping" if side == "ping"
                           else "master/echo"),
                        "%.2f per wake-up, %.2f wake-ups and %.2f syscalls "
                        "per round trip (raw ping-pong: %s per wake-up)"
                        % (w[0], w[1], w[2],
                           "%.2f" % rw[0] if rw else "-"),
                        verdict(w[0] <= 1.05)))
    return out


def pair_goal(g, key, base, goal, ok):
    """Like ratio_goal, against @base's run of the same repetition."""
    if not g or key not in g.res or base not in g.res:
        return None
    rs = ratios(g, key, base)
    if not rs:
        return None
    m = statistics.median(rs)
    return (goal, "%.2fx (%s)" % (m, fmt_range(min(rs), max(rs))),
            verdict(ok(m)))


def goals_zc(groups):
    """Issue 15: zero-copy at 9000 B >= 3x DPDK's copy mode and >= its
    zero-copy client; hugepages better than 4 KiB pages at ring 2^14."""
    out = []
    for d in DIRS:
        g = find(groups, "hdr-9000-%s" % d)
        for key, what in (("zc", "4 KiB pages"), ("zc_huge", "hugepages"),
                          ("zc_inplace", "master in place, 4 KiB pages")):
            out.append(pair_goal(g, key, "dpdk", "9000 B %s, zero-copy (%s)"
                                 ": >= 3x DPDK->DPDK copy (issue 15)"
                                 % (DIR_LABEL[d], what), lambda m: m >= 3))
            out.append(pair_goal(g, key, "dpdk_zc", "9000 B %s, zero-copy "
                                 "(%s): >= DPDK's zero-copy client, same "
                                 "repetition (issue 15)"
                                 % (DIR_LABEL[d], what), lambda m: m >= 1))
        p = find(groups, "pages-9000-%s" % d)
        for key, base, what in (("copy_huge", "copy", "copy"),
                                ("zc_huge", "zc", "zero-copy")):
            out.append(pair_goal(p, key, base, "9000 B %s, ring 2^14, %s: "
                                 "2 MiB pages measurably faster than 4 KiB "
                                 "(>= 1.05x; issue 15)"
                                 % (DIR_LABEL[d], what), lambda m: m >= 1.05))
    return out


def goals_floor(groups):
    """Issue 16: the whole payload at >= 80% of the floor, every cell; and,
    to tell the protocol's cost from ours, what the floor keeps with memif's
    descriptors and where we stand against that."""
    out = []
    pct = "%.0f%%"
    for size in SIZES:
        for d in DIRS:
            g = find(groups, "full-%d-%s" % (size, d))
            if not g:
                continue
            out += [ratio_goal(g, key, "%d B full payload %s, %s: >= 80%% "
                               "of the floor's GB/s (issue 16)"
                               % (size, DIR_LABEL[d], key),
                               lambda m: pct % (100 * m),
                               lambda m: m >= 0.8)
                    for key in ("copy", "inplace")]
            rs = ratios(g, "floor_desc") if "floor_desc" in g.res else []
            if rs:
                out.append(("%d B %s: the floor with memif's descriptors, "
                            "share of the bare floor (the protocol's cost; "
                            "information)" % (size, DIR_LABEL[d]),
                            pct % (100 * statistics.median(rs)), "-"))
            out += [pair_goal(g, key, "floor_desc", "%d B full payload %s, "
                              "%s: >= 80%% of the floor with memif's "
                              "descriptors (issue 16)"
                              % (size, DIR_LABEL[d], key),
                              lambda m: m >= 0.8)
                    for key in ("copy", "inplace")]
    return out


def goals(groups, sc):
    """(goal, measured, verdict) lines for the issues' goals: issue 3's
    unless the line names another."""
    out = (goals_64(groups) + goals_large(groups) + goal_mixed(groups) +
           goals_latency(groups) + goals_wakeups(sc) + goals_zc(groups) +
           goals_floor(groups))
    return [x for x in out if x]


WAITS = ("poll", "ppoll", "epoll_wait", "epoll_pwait")


def wake_stats(d):
    """(receive-path syscalls per wake-up, wake-ups per round trip, all
    syscalls per round trip) from per-round-trip counts; None without
    sleeps.  A wake-up is a return from a wait (poll/epoll); its receive
    path is that wait plus the eventfd reads that clear the signal."""
    waits = sum(d.get(k, 0) for k in WAITS)
    if waits < 0.05:
        return None
    return ((waits + d.get("read", 0)) / waits, waits, d.get("all", 0))


def sc_table(sc):
    if not sc:
        return ""
    rows = ["| round trip | side | syscalls per round trip | by name |",
            "|---|---|---:|---|"]
    labels = {"eventfd": "raw eventfd ping-pong (each side; both "
              "processes counted together, halved)",
              "interrupt": "memif-perf, interrupt",
              "edge": "memif-perf, interrupt (edge)",
              "polling": "memif-perf, polling"}
    for kind in ("eventfd", "interrupt", "edge", "polling"):
        if kind not in sc:
            continue
        for side in ("ping", "echo"):
            if kind == "eventfd" and side == "echo":
                continue
            d = sc[kind].get(side, {})
            named = {k: v for k, v in d.items() if k != "all" and v >= 0.02}
            other = d.get("all", 0) - sum(named.values())
            if other >= 0.02:
                named["other"] = other
            rows.append("| %s | %s | %.2f | %s |" % (
                labels[kind], "each" if kind == "eventfd" else side,
                d.get("all", 0),
                ", ".join("%s %.2f" % (k, v) for k, v in
                          sorted(named.items(), key=lambda kv: -kv[1]))
                or "-"))
    return "\n".join(rows)


def cpu_table(groups):
    """Per-packet perf stat counts (medians over the repetitions), one row
    per pair that has them."""
    evs = [e for e in (S.perf_events or "").split(",") if e]
    if not evs:
        return ""
    head = "| size | direction | pair | " + " | ".join(
        "%s %s/pkt" % (side, e) for side in ("tx", "rx") for e in evs) + " |"
    rows = [head, "|---:|---|---|" + "---:|" * (2 * len(evs))]
    for g in groups:
        if g.kind not in ("tput", "pages"):
            continue
        for c in g.cfgs:
            cpus = [r.get("cpu") for r in g.res[c.key] if r and r.get("cpu")]
            if not cpus:
                continue
            cells = []
            for side in ("tx", "rx"):
                for e in evs:
                    k = e.split(":", 1)[-1]
                    v = med([x.get(side, {}).get(k) for x in cpus])
                    cells.append("-" if v is None else "%.3g" % v)
            rows.append("| %d | %s | %s%s | %s |" % (
                g.size, DIR_LABEL[g.direction], c.label,
                " (full payload)" if g.fill == "full" else "",
                " | ".join(cells)))
    return "\n".join(rows) if len(rows) > 2 else ""


def raw_table(groups):
    rows = ["| group | pair | unit | per repetition: figure (cross-core "
            "one-way ns just before the run) |", "|---|---|---|---|"]
    for g in groups:
        for c in g.cfgs:
            unit = {"mpps": "Mpps", "gBps": "GB/s", "p50": "ns p50"}[g.metric]
            cells = []
            for r in g.res[c.key]:
                if not r:
                    cells.append("failed")
                    continue
                x = r.get("xlat")
                cells.append("%s (%s)" % (fmt(r[g.metric], 3),
                                          "?" if x is None else "%.0f" % x))
            rows.append("| %s | %s | %s | %s |" % (g.name, c.label, unit,
                                                   ", ".join(cells)))
    return "\n".join(rows)
