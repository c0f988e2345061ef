#!/bin/bash
# Quick start, step 2: the whole test suite.
#   1. gcc, -Werror: every suite (unit, integration, examples, hostile,
#      interop against DPDK testpmd, bench smoke);
#   2. clang ASan+UBSan: every suite again but the DPDK ones (interop
#      and conform-dpdk: about 15 minutes, and DPDK is not instrumented);
#   3. clang TSan: ring, loop, conn, shared-fd, negotiation, scale,
#      diagnosis, zc, zc-master, zc-traffic and the integration-* tests
#      (the tests with more than one thread; meson test takes test
#      names, not suites, here);
#   4. valgrind (memcheck, leaks, fds): the tests that need no io_uring;
#   5. coverage (a number, not a gate): gcc -Db_coverage=true, the unit,
#      integration and hostile suites, one line of gcovr over lib/+proto/;
#   6. libFuzzer smoke: each target for a bounded time.
# Ends with one line "N passed, N failed".
# Tests that need a peer binary may skip (77) outside CI; with CI=true a
# skip counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# clang 14's TSan cannot start with more ASLR entropy than this.
if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then
	sysctl -q -w vm.mmap_rnd_bits=28 || true
fi

collect() { # builddir logbase
	local log=$1/meson-logs/$2.json
	[ -f "$log" ] && cat "$log" >>"$results"
}

run_build() { # name setup-args... -- test-args...
	local name=$1; shift
	local setup=() targs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do setup+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	targs=("$@")
	echo "=== $name: meson setup ${setup[*]}"
	if [ ! -d "b-$name" ]; then
		meson setup "b-$name" "${setup[@]}" >"b-$name.setup.log" 2>&1 ||
			{ cat "b-$name.setup.log"; echo '{"name":"setup-'$name'","result":"FAIL"}' >>"$results"; return; }
	fi
	if ! ninja -C "b-$name" >"b-$name.build.log" 2>&1; then
		tail -50 "b-$name.build.log"
		echo '{"name":"build-'$name'","result":"FAIL"}' >>"$results"
		return
	fi
	meson test -C "b-$name" --print-errorlogs --logbase "ci-$name" "${targs[@]}" |
		grep -E '^ *[0-9]+/[0-9]+ |^Ok|^Fail|^Skip|^Timeout'
	collect "b-$name" "ci-$name"
}

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

run_build gcc -Dwerror=true
run_build asan -Db_sanitize=address,undefined -Db_lundef=false \
	--native-file scripts/clang.ini -- --timeout-multiplier 3 --no-suite interop
run_build tsan -Db_sanitize=thread -Db_lundef=false -Dexamples=false \
	--native-file scripts/clang.ini -- --timeout-multiplier 4 ring loop conn shared-fd negotiation scale diagnosis \
	zc zc-master zc-traffic integration-handshake integration-datapath integration-lifecycle integration-refusals \
	integration-interrupts integration-edge integration-callbacks integration-scale
if command -v valgrind >/dev/null; then
	# valgrind 3.19 treats io_uring_enter as non-blocking and holds its
	# big lock across it, so tests that start the event thread hang under
	# it; memcheck covers the pure layers, ASan/LSan the rest.
	meson test -C b-gcc --setup=valgrind --logbase ci-valgrind \
		--print-errorlogs proto headers-c11 perf-pkt | grep -E '^ *[0-9]+/[0-9]+ '
	collect b-gcc ci-valgrind-valgrind
fi
# Coverage: prints one line and adds nothing to the pass/fail count (its
# results are not collected).  conform-dpdk is left out: it runs only
# memif-conform against testpmd (7 minutes here), never lib/.  Counters of
# an earlier run are deleted first, or they would add up.
coverage() {
	local tests
	if ! command -v gcovr >/dev/null; then
		echo "coverage: gcovr not installed"
		return
	fi
	echo "=== cov: meson setup -Db_coverage=true"
	if [ ! -d b-cov ]; then
		meson setup b-cov -Db_coverage=true >b-cov.setup.log 2>&1 ||
			{ echo "coverage: meson setup failed (b-cov.setup.log)"; return; }
	fi
	ninja -C b-cov >b-cov.build.log 2>&1 ||
		{ echo "coverage: build failed (b-cov.build.log)"; return; }
	find b-cov -name '*.gcda' -delete
	tests=$(meson test -C b-cov --list --suite unit --suite integration \
		--suite hostile 2>/dev/null | sed -n 's|^[^ ]*:[^ ]* / ||p' |
		grep -vx conform-dpdk)
	[ -n "$tests" ] || { echo "coverage: no tests listed in b-cov"; return; }
	# shellcheck disable=SC2086 # one test name per word
	timeout 1500 meson test -C b-cov --logbase ci-cov $tests >/dev/null 2>&1 ||
		echo "coverage: some tests failed or timed out in b-cov (see b-cov/meson-logs/ci-cov.txt)"
	gcovr -r . --filter 'lib/' --filter 'proto/' -j 2 b-cov 2>b-cov/gcovr.log |
		awk '$1 == "TOTAL" && $2 > 0 {
			printf "coverage: lib+proto %.1f%% lines (%d/%d)\n", 100 * $3 / $2, $3, $2
			found = 1
		}
		END { if (!found) print "coverage: no gcovr result (b-cov/gcovr.log)" }'
}
coverage

if [ -d test/fuzz ] && [ -f test/fuzz/fuzz-msg.c ]; then
	if [ ! -d b-fuzz ]; then
		meson setup b-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
			-Db_lundef=false -Dtests=disabled -Dexamples=false \
			--native-file scripts/clang.ini >b-fuzz.setup.log 2>&1 ||
			cat b-fuzz.setup.log
	fi
	ninja -C b-fuzz >b-fuzz.build.log 2>&1 || tail -30 b-fuzz.build.log
	for t in msg desc; do
		exe=b-fuzz/test/fuzz/fuzz-$t
		[ -x "$exe" ] || { echo '{"name":"fuzz-'$t'","result":"FAIL"}' >>"$results"; continue; }
		work=$(mktemp -d)
		cp -r test/fuzz/corpus-$t/. "$work/" 2>/dev/null || true
		if "$exe" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 "$work" \
			>"b-fuzz/fuzz-$t.log" 2>&1; then
			echo "fuzz-$t: $(grep -E 'stat::number_of_executed_units' b-fuzz/fuzz-$t.log)"
			echo '{"name":"fuzz-'$t'","result":"OK"}' >>"$results"
		else
			tail -30 "b-fuzz/fuzz-$t.log"
			echo '{"name":"fuzz-'$t'","result":"FAIL"}' >>"$results"
		fi
		rm -rf "$work"
	done
fi

python3 - "$results" <<'PY'
import json, sys, collections
c = collections.Counter()
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        c[json.loads(line)["result"]] += 1
import os
passed = c["OK"] + c["EXPECTEDFAIL"]
skipped = c["SKIP"]
failed = sum(c.values()) - passed - skipped
if os.environ.get("CI") == "true":
    failed += skipped      # in CI a missing peer is a failure, not a skip
    print(f"{passed} passed, {failed} failed")
else:
    print(f"{passed} passed, {failed} failed ({skipped} skipped)")
sys.exit(1 if failed else 0)
PY
