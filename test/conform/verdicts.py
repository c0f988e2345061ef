# SPDX-License-Identifier: MIT
"""What memif-conform's own Python tests (test-baseline.py, test-iut.py)
share: one line per assertion, and the exit status they add up to."""

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def finish():
    """The closing line; the exit status: 1 when any check failed."""
    print(f"{len(FAILS)} failed" if FAILS else "all passed")
    return 1 if FAILS else 0
