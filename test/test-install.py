#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What `meson install` gives a user works (issue 11's done-when).

Installs the build into a temporary DESTDIR, then, from there only:
  - the installed files are exactly the library's (nothing from the build
    tree): headers, .so and .a, both .pc files, the tools, the man pages;
  - memif-perf --version and memif-conform --version/--list run without
    LD_LIBRARY_PATH (they link the library statically);
  - man renders each installed page without a warning;
  - the README's usage example, taken from README.md, builds at
    -std=c11 -Wall -Wextra -pedantic -Werror against the installed .pc files
    with the README's commands, shared (memif-native) and static
    (memif-native-static: no libmemif-native.so needed), and the two run
    against each other: the static one as slave sends "hello", the shared
    one as master receives it.

  test-install.py BUILDDIR README.md
The .pc files say the configured prefix; the copies the test reads say
the DESTDIR one, as if installed there.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXPECTED = {
    "bin/memif-perf", "bin/memif-conform",
    "include/memif/memif.h", "include/memif/memif_proto.h",
    "include/memif/memif_version.h",
    "LIB/libmemif-native.a", "LIB/libmemif-native.so",
    "LIB/libmemif-native.so.0", "LIB/libmemif-native.so.VERSION",
    "LIB/pkgconfig/memif-native.pc", "LIB/pkgconfig/memif-native-static.pc",
    "share/man/man1/memif-perf.1", "share/man/man1/memif-conform.1",
    "share/man/man3/memif-native.3",
}

fails = 0


def check(ok, what):
    global fails
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        fails += 1
    return ok


def run(cmd, env=None, timeout=60, **kw):
    return subprocess.run(cmd, env=env, timeout=timeout, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def readme_example(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^## Usage\n.*?^```c\n(.*?)^```", text, re.S | re.M)
    return m.group(1) if m else None


def installed_files(dest, libdir, root):
    """The installed files, named as in EXPECTED; the library's version."""
    rel = set()
    version = None
    for d, _, names in os.walk(dest):
        for n in names:
            f = os.path.join(d, n)
            if f.startswith(libdir + "/"):
                r_ = "LIB/" + f[len(libdir) + 1:]
                m = re.match(r"LIB/libmemif-native\.so\.(\d+\.\d+\.\d+)$", r_)
                if m:
                    version, r_ = m.group(1), "LIB/libmemif-native.so.VERSION"
                rel.add(r_)
            elif f.startswith(root + "/"):
                rel.add(f[len(root) + 1:])
            else:
                rel.add("OUTSIDE PREFIX " + f[len(dest):])
    return rel, version


def check_files(rel):
    check(rel == EXPECTED, "installed files are exactly the library's")
    for f in sorted(rel - EXPECTED):
        print("  unexpected: %s" % f)
    for f in sorted(EXPECTED - rel):
        print("  missing: %s" % f)


def check_tools(root, env, version):
    """The installed tools run, without LD_LIBRARY_PATH."""
    perf = os.path.join(root, "bin/memif-perf")
    conform = os.path.join(root, "bin/memif-conform")
    r = run([perf, "--version"], env=env)
    check(r.returncode == 0 and r.stdout.strip() == "memif-perf %s" % version,
          "installed memif-perf --version: %s" % r.stdout.strip())
    r = run([conform, "--version"], env=env)
    check(r.returncode == 0 and r.stdout.strip() == "memif-conform %s" % version,
          "installed memif-conform --version: %s" % r.stdout.strip())
    r = run([conform, "--list"], env=env)
    check(r.returncode == 0 and len(r.stdout.splitlines()) > 50,
          "installed memif-conform --list: %d checks" % len(r.stdout.splitlines()))


def check_man_pages(root, env):
    pages = sorted(glob.glob(root + "/share/man/man*/*"))
    for page in pages:
        if shutil.which("man"):
            r = subprocess.run(["man", "--warnings", "-l", page], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=60)
        else:
            r = subprocess.run(["groff", "-ww", "-man", "-Tutf8", "-z", page],
                               env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=60)
        check(r.returncode == 0 and not r.stderr.strip(),
              "man -l %s renders without warnings%s" %
              (os.path.basename(page), (": " + r.stderr.strip()) if r.stderr.strip() else ""))


def local_pcs(tmp, pc_dir, root):
    """The .pc files as if the prefix were the DESTDIR one; their dir."""
    pcdir = os.path.join(tmp, "pkgconfig")
    os.mkdir(pcdir)
    for pc in glob.glob(pc_dir + "/*.pc"):
        text = re.sub(r"^prefix=.*$", "prefix=" + root,
                      open(pc).read(), count=1, flags=re.M)
        open(os.path.join(pcdir, os.path.basename(pc)), "w").write(text)
    return pcdir


def build_examples(tmp, src, env, penv):
    """The README example built shared and static: {kind: path}."""
    c_file = os.path.join(tmp, "hello.c")
    open(c_file, "w").write(src)
    cc = os.environ.get("CC_FOR_INSTALL_TEST", "cc")
    exes = {}
    for kind, pkg in (("shared", "memif-native"), ("static", "memif-native-static")):
        flags = run(["pkg-config", "--cflags", "--libs", pkg], env=penv)
        if not check(flags.returncode == 0, "pkg-config --cflags --libs %s: %s" %
                     (pkg, flags.stdout.strip())):
            continue
        exe = os.path.join(tmp, "hello-" + kind)
        r = run([cc, "-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror",
                 c_file, "-o", exe] + flags.stdout.split(), env=env)
        if check(r.returncode == 0 and not r.stdout.strip(),
                 "README example builds warning-free, %s" % kind):
            exes[kind] = exe
        else:
            print(r.stdout)
    return exes


def run_examples(exes, env, libdir, version):
    """The static build as slave sends "hello" to the shared one."""
    needed = run(["readelf", "-d", exes["static"]], env=env).stdout
    check("libmemif-native" not in needed, "the static build needs no libmemif-native.so")
    needed = run(["readelf", "-d", exes["shared"]], env=env).stdout
    check("libmemif-native.so.0" in needed, "the shared build needs libmemif-native.so.0")

    # The example's socket is "@hello": one run at a time per host
    # network namespace; the test is not run in parallel.
    master = subprocess.Popen([exes["shared"]], text=True,
                              env=dict(env, LD_LIBRARY_PATH=libdir),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        slave = run([exes["static"], "slave"], env=env, timeout=20)
        out, _ = master.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        master.kill()
        out, _ = master.communicate()
        slave = None
    check(slave is not None and slave.returncode == 0,
          "static example as slave sent and exited 0")
    check(master.returncode == 0 and 'received "hello"' in out and
          ("memif-native %s" % version) in out,
          "shared example as master received: %s" % " | ".join(out.splitlines()))


def test_install(build, readme, tmp):
    dest = os.path.join(tmp, "dest")
    r = run(["meson", "install", "-C", build, "--destdir", dest,
             "--no-rebuild", "--quiet"], timeout=300)
    if not check(r.returncode == 0, "meson install --destdir"):
        print(r.stdout)
        return
    pcs = glob.glob(dest + "/**/pkgconfig/memif-native.pc", recursive=True)
    if not check(len(pcs) == 1, "one memif-native.pc installed"):
        return
    libdir = os.path.dirname(os.path.dirname(pcs[0]))
    prefix = re.search(r"^prefix=(.*)$", open(pcs[0]).read(), re.M).group(1)
    root = dest + prefix
    rel, version = installed_files(dest, libdir, root)
    check_files(rel)

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "LANG": "C.UTF-8", "MANWIDTH": "80"}
    check_tools(root, env, version)
    check_man_pages(root, env)

    penv = dict(env, PKG_CONFIG_PATH=local_pcs(tmp, os.path.dirname(pcs[0]),
                                               root))
    src = readme_example(readme)
    if not check(src is not None, "README.md has a ```c example under ## Usage"):
        return
    exes = build_examples(tmp, src, env, penv)
    if len(exes) != 2:
        return
    run_examples(exes, env, libdir, version)


def main():
    build, readme = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="memif-install-")
    try:
        test_install(build, readme, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    print("%d failures" % fails)
    sys.exit(1 if fails else 0)
