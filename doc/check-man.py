#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The man pages stay true: every long option in a tool's --help is an
option term on its page and every term is in --help; and man renders each
built page without a warning.

  check-man.py --tool EXE SRC.md PAGE.1 [--tool ...] --page PAGE.3 ...
"""
import re
import shutil
import subprocess
import sys

OPT = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def page_options(src):
    """The long options named in the option terms of a .md page source."""
    opts = set()
    for line in open(src, encoding="utf-8"):
        if re.match(r"-{1,2}\w", line):
            opts.update(OPT.findall(line))
    return opts


def render(page):
    """Warnings from rendering @page (man, or groff when man is absent)."""
    if shutil.which("man"):
        cmd = ["man", "--warnings", "-l", page]
    else:
        cmd = ["groff", "-ww", "-man", "-Tutf8", "-z", page]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin",
                                       "LANG": "C.UTF-8"})
    if r.returncode:
        return ["%s exited %d: %s" % (cmd[0], r.returncode, r.stderr.strip())]
    if len(r.stdout) < 200 and cmd[0] == "man":
        return ["%s rendered to almost nothing" % page]
    return [l for l in r.stderr.splitlines() if l.strip()]


def main():
    if not shutil.which("man") and not shutil.which("groff"):
        print("neither man nor groff installed (man-db): skipped")
        sys.exit(77)
    args = sys.argv[1:]
    fails = 0
    pages = []
    while args:
        if args[0] == "--tool":
            exe, src, page = args[1:4]
            args = args[4:]
            pages.append(page)
            out = subprocess.run([exe, "--help"], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True).stdout
            helped = set(OPT.findall(out))
            documented = page_options(src)
            name = exe.rsplit("/", 1)[-1]
            for o in sorted(helped - documented):
                print("%s: %s is in --help but not on the page (%s)" % (name, o, src))
                fails += 1
            for o in sorted(documented - helped):
                print("%s: %s is on the page (%s) but not in --help" % (name, o, src))
                fails += 1
            print("%s: %d options, page and --help agree" % (name, len(helped))
                  if not helped ^ documented else "%s: disagree" % name)
            ver = subprocess.run([exe, "--version"], stdout=subprocess.PIPE,
                                 text=True).stdout
            if not re.match(r"%s \d+\.\d+\.\d+" % re.escape(name), ver):
                print("%s --version printed %r" % (name, ver))
                fails += 1
        elif args[0] == "--page":
            pages.append(args[1])
            args = args[2:]
        else:
            sys.exit("usage: check-man.py --tool EXE SRC PAGE ... --page PAGE")
    for p in pages:
        warnings = render(p)
        for w in warnings:
            print("%s: %s" % (p, w))
        fails += len(warnings)
        if not warnings:
            print("%s: renders without warnings" % p)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
