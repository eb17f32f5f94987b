#!/usr/bin/env bash
# Smoke-fuzzes the configuration reader and the model set-up for ~15 s each when clang with
# libFuzzer is available (the fuzz preset, built into build/fuzz); otherwise prints a skip notice
# and passes.
set -euo pipefail
src="${DERMIS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    > "$probe/probe.c"
if ! command -v clang >/dev/null 2>&1 ||
   ! clang -fsanitize=fuzzer "$probe/probe.c" -o "$probe/probe" >/dev/null 2>&1; then
    echo "SKIP: clang with libFuzzer (libclang-rt-dev) is not available; config fuzzing not run"
    exit 0
fi
for target in fuzz_config fuzz_setup; do
    "$src/tests/fuzz/run.sh" 15 "$target" 2>&1 | tail -n 15
    echo "PASS: $target ran 15 s without a crash"
done
