#!/usr/bin/env bash
# Fuzzes the configuration reader (fuzz_config, the default) or the model set-up (fuzz_setup:
# whatever the checks accept must set up and take a solver step): builds the `fuzz` preset
# (clang, ASan+UBSan, libFuzzer) into build/fuzz and runs TARGET for SECONDS (default 30; give
# 3600 or more for a real hunt). The corpus grows in build/fuzz/tests/fuzz/corpus[_setup]; a crash
# leaves its input in build/fuzz/tests/fuzz/artifacts/ and makes this script fail.
#   usage: tests/fuzz/run.sh [SECONDS] [fuzz_config|fuzz_setup]
set -euo pipefail
seconds="${1:-30}"
target="${2:-fuzz_config}"
case "$target" in
    fuzz_config) corpus=corpus timeout=10 ;;
    # A set-up with a session and a stiff first step takes seconds under the sanitizers on a busy machine.
    fuzz_setup) corpus=corpus_setup timeout=120 ;;
    *) echo "run.sh: unknown target '$target' (fuzz_config or fuzz_setup)" >&2; exit 2 ;;
esac
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$src"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "$target" >/dev/null
dir="$src/build/fuzz/tests/fuzz"
mkdir -p "$dir/$corpus" "$dir/artifacts"
seeds=("$src/tests/data/config")
[ -d "$src/configs" ] && seeds+=("$src/configs")
exec "$dir/$target" -max_total_time="$seconds" -timeout="$timeout" -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/$corpus" "${seeds[@]}"
