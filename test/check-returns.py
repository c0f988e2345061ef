#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memif.h's Return: lists are exact.

For every public function (MEMIF_API ... int in memif.h), the MEMIF_ERR_*
codes its definition in lib/*.c can return, followed through the functions
whose result it returns, are compared with the codes its doc comment's
Return: paragraph names.  It fails on a code returned but not documented,
and on a code documented but never returned.

What counts as returned, in a function body:
  - a MEMIF_ERR_* token anywhere except as an argument of memif__log() or
    memif__push_error() and except in a comparison (== / !=);
  - the codes of a lib/ function whose result is returned (`return f(...)`)
    or stored in a variable the function returns (`ret = f(...)` with a
    `return ret`), transitively;
  - memif__err_from_errno(...) returns MEMIF_ERR_SYSCALL or any code of its
    errno table: the doc must name MEMIF_ERR_SYSCALL, and may name any of
    that table's codes (the syscalls decide which errno comes).
A doc that says "as memif_x()" or "the error of memif_x" takes memif_x's
list too.

  check-returns.py [--self-test] include/memif/memif.h lib/*.c

--self-test also plants an omission (a code cut from memif_get_details'
Return: list; a new code returned by its body) and fails unless both are
caught.
"""
import re
import sys

CODE = re.compile(r"\bMEMIF_ERR_[A-Z_]+\b")


def strip_comments(src):
    src = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), src, flags=re.S)
    return re.sub(r"//[^\n]*", "", src)


def functions(src):
    """{name: body} for the top-level function definitions of a C file."""
    out = {}
    src = strip_comments(src)
    for m in re.finditer(r"^[A-Za-z_][^\n;#=]*?\b(\w+)\(([^;{]*?)\)\s*\n\{\n(.*?)^\}",
                         src, re.S | re.M):
        out[m.group(1)] = m.group(3)
    return out


def call_args_spans(body, fn):
    """Spans of the argument lists of calls to @fn in @body."""
    spans = []
    for m in re.finditer(r"\b%s\(" % fn, body):
        depth, i = 1, m.end()
        while i < len(body) and depth:
            depth += {"(": 1, ")": -1}.get(body[i], 0)
            i += 1
        spans.append((m.start(), i))
    return spans


def direct_codes(body):
    masked = body
    for fn in ("memif__log", "memif__push_error"):
        for a, b in call_args_spans(body, fn):
            masked = masked[:a] + " " * (b - a) + masked[b:]
    masked = re.sub(r"[!=]=\s*MEMIF_ERR_[A-Z_]+", "", masked)
    masked = re.sub(r"MEMIF_ERR_[A-Z_]+\s*[!=]=", "", masked)
    return set(CODE.findall(masked))


def returned_calls(body, known):
    """lib/ functions whose result this body returns."""
    calls = set(re.findall(r"\breturn\s+(\w+)\(", body))
    returned_vars = set(re.findall(r"\breturn\s+(\w+)\s*;", body))
    for var, fn in re.findall(r"\b(\w+)\s*=\s*(\w+)\(", body):
        if var in returned_vars:
            calls.add(fn)
    return {c for c in calls if c in known}


def errno_table(bodies):
    return direct_codes(bodies["memif__err_from_errno"])


def returns(name, bodies, memo, stack=()):
    if name in memo:
        return memo[name]
    if name in stack:
        return set()
    body = bodies[name]
    codes = direct_codes(body)
    for fn in returned_calls(body, bodies):
        if fn == "memif__err_from_errno":
            codes.add("ERRNO")
        else:
            codes |= returns(fn, bodies, memo, stack + (name,))
    memo[name] = codes
    return codes


def documented(header):
    """{function: (codes named in its Return: paragraph, the text)}."""
    docs, refs = {}, {}
    for m in re.finditer(r"/\*\*\s*\n?\s*\*?\s*(\w+)\(\) - (.*?)\*/", header, re.S):
        name, text = m.group(1), m.group(2)
        r = re.search(r"Return:(.*)", text, re.S)
        if not r:
            continue
        ret = re.sub(r"\s*\n\s*\*\s?", " ", r.group(1))
        docs[name] = set(CODE.findall(ret))
        refs[name] = re.findall(r"(?:as|error of) (memif_\w+)(?:\(\))?", ret)
    # "as memif_init()", "or the error of memif_rx_burst"
    for name, targets in refs.items():
        for t in targets:
            docs[name] |= docs.get(t, set())
    return docs


def public_int_functions(header):
    src = strip_comments(header)
    return re.findall(r"MEMIF_API\s+(?:MEMIF_MUST_CHECK\s+)?int\s*\n?\s*(memif_\w+)\(", src)


def check(header, sources, quiet=False):
    """The mismatches, as lines of text; prints the agreements unless quiet."""
    bodies = {}
    for src in sources:
        bodies.update(functions(src))
    table = errno_table(bodies)
    docs = documented(header)
    memo, problems = {}, []
    for fn in public_int_functions(header):
        if fn not in bodies:
            problems.append("%s: declared in memif.h, not defined in lib/" % fn)
            continue
        if fn not in docs:
            problems.append("%s: no Return: paragraph in memif.h" % fn)
            continue
        got = returns(fn, bodies, memo)
        doc = docs[fn]
        optional = set()
        if "ERRNO" in got:
            got = (got - {"ERRNO"}) | {"MEMIF_ERR_SYSCALL"}
            optional = table
        bad = ["%s: returns %s, not in its Return: list" % (fn, c)
               for c in sorted(got - doc)]
        bad += ["%s: Return: lists %s, which it never returns" % (fn, c)
                for c in sorted(doc - got - optional)]
        problems += bad
        if not bad and not quiet:
            print("%s: %s" % (fn, " ".join(sorted(c[10:] for c in doc)) or "no codes"))
    return problems


def self_test(header, sources):
    """The check fails on a planted omission, both ways."""
    doc_cut = header.replace("(@out\n * NULL), MEMIF_ERR_NOT_INIT.", "(@out\n * NULL).", 1)
    assert doc_cut != header, "self-test: memif_get_details' Return: changed"
    lock = "\tret = memif__api_lock(m, out != NULL);\n\tif (ret)\n\t\treturn ret;\n"
    planted = [s.replace(lock, lock + "\tif (m->err_fd < 0)\n\t\treturn MEMIF_ERR_BAD_FD;\n", 1)
               for s in sources]
    assert planted != sources, "self-test: memif_get_details' body changed"
    ok = True
    for what, h, srcs, want in (
            ("a documented code removed", doc_cut, sources,
             "memif_get_details: returns MEMIF_ERR_NOT_INIT, not in its Return: list"),
            ("a new code returned", header, planted,
             "memif_get_details: returns MEMIF_ERR_BAD_FD, not in its Return: list")):
        got = check(h, srcs, quiet=True)
        found = want in got
        print("self-test, %s: %s" % (what, "caught" if found else "MISSED"))
        ok = ok and found
    return ok


def main():
    args = sys.argv[1:]
    selftest = "--self-test" in args
    args = [a for a in args if a != "--self-test"]
    header = open(args[0], encoding="utf-8").read()
    sources = [open(p, encoding="utf-8").read() for p in args[1:]]
    problems = check(header, sources)
    for p in problems:
        print(p)
    print("%d public functions checked, %d mismatches" %
          (len(public_int_functions(header)), len(problems)))
    ok = not problems
    if selftest:
        ok = self_test(header, sources) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
