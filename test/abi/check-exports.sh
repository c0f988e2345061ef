#!/bin/bash
# Fails when the shared library exports a name outside the version script,
# or when the static archive holds a global symbol without the memif_ or
# memif__ prefix (libevdev's static-symbols-leak test).
set -eu
so=$1 ar=$2 map=$3
expected=$(grep -E '^\s+memif_[a-z_0-9]+;' "$map" | tr -d ' \t;' | sort)
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /[TDBRW]/ {print $3}' | sed 's/@.*//' | sort -u)
if [ "$expected" != "$exported" ]; then
	echo "shared library exports differ from $map:"
	diff -u <(echo "$expected") <(echo "$exported") 2>/dev/null || \
		{ echo "expected:"; echo "$expected"; echo "exported:"; echo "$exported"; }
	exit 1
fi
leaks=$(nm -g --defined-only "$ar" 2>/dev/null | awk 'NF==3 {print $3}' | grep -v -E '^memif_' || true)
if [ -n "$leaks" ]; then
	echo "static archive leaks non-prefixed global symbols:"
	echo "$leaks"
	exit 1
fi
internal=$(echo "$exported" | grep -E '^memif__' || true)
[ -z "$internal" ] || { echo "internal symbols exported: $internal"; exit 1; }
echo "exports: $(echo "$exported" | wc -l) names, all in the map; archive clean"
