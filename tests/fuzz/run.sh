#!/usr/bin/env bash
# Fuzzes the configuration reader: builds the `fuzz` preset (clang, ASan+UBSan, libFuzzer) into
# build/fuzz and runs fuzz_config for SECONDS (default 30; give 3600 or more for a real hunt).
# The corpus grows in build/fuzz/tests/fuzz/corpus; a crash leaves its input in
# build/fuzz/tests/fuzz/artifacts/ and makes this script fail.
#   usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
seconds="${1:-30}"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$src"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_config >/dev/null
dir="$src/build/fuzz/tests/fuzz"
mkdir -p "$dir/corpus" "$dir/artifacts"
seeds=("$src/tests/data/config")
[ -d "$src/configs" ] && seeds+=("$src/configs")
exec "$dir/fuzz_config" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/corpus" "${seeds[@]}"
