#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Keep test/conform/CHECKLIST.md equal to what memif-conform prints.

usage: check-checklist.py MEMIF-CONFORM CHECKLIST.md

The checklist is generated from the tool's check tables; a table edited
without regenerating the file would leave testers reading stale
requirements.  Also checks what scripts rely on in --list (run-dpdk.py takes
the id from the second field): per role, every line has a role, an id, MUST
or SHOULD and a description, and no id appears twice; and every row of the
document has a non-empty Why.
"""
import difflib
import subprocess
import sys


def run(tool, *args):
    return subprocess.run([tool, *args], check=True, stdout=subprocess.PIPE,
                          text=True).stdout


def check_document(tool, path):
    want = run(tool, "--checklist")
    if want != run(tool, "--checklist"):
        print("memif-conform --checklist differs between two runs")
        return False
    with open(path, encoding="utf-8") as f:
        have = f.read()
    if have != want:
        sys.stdout.writelines(difflib.unified_diff(
            have.splitlines(True), want.splitlines(True), path,
            "memif-conform --checklist"))
        print("%s is out of date; regenerate with: "
              "memif-conform --checklist > test/conform/CHECKLIST.md" % path)
        return False
    ok = True
    for n, line in enumerate(want.splitlines(), 1):
        if not line.startswith("| ") or line.startswith("| Check |"):
            continue
        # An escaped \| is part of a cell, not a separator.
        cells = line.replace("\\|", "\0").split("|")[1:-1]
        if len(cells) != 4 or not all(c.strip() for c in cells):
            print("%s:%d: a row needs Check, Level, Requirement and Why: "
                  "%s" % (path, n, line))
            ok = False
    return ok


def check_list(tool):
    ok = True
    for role in ("master", "slave"):
        seen = set()
        lines = run(tool, "--role", role, "--list").splitlines()
        if not lines:
            print("--role %s --list printed nothing" % role)
            ok = False
        for line in lines:
            parts = line.split()
            if (len(parts) < 4 or parts[0] != role or
                    parts[2] not in ("MUST", "SHOULD")):
                print("--role %s --list: bad line: %s" % (role, line))
                ok = False
                continue
            if parts[1] in seen:
                print("--role %s --list: %s twice" % (role, parts[1]))
                ok = False
            seen.add(parts[1])
    return ok


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    tool, path = sys.argv[1:]
    ok = check_document(tool, path)
    ok = check_list(tool) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
