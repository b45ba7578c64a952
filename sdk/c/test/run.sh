#!/usr/bin/env bash
# Builds and runs the native tests of the C SDK, with AddressSanitizer and UBSan: the JSON reader and
# writer (sdk/c/pulsar_json.h), and the context calls of sdk/c/pulsar_wasm.h against an in-memory host
# (context_test.c); exits non-zero if a test fails or anything reads out of bounds.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for test in json_test context_test; do
  "${CC:-clang-14}" -std=c11 -O1 -g -Wall -Wextra -Werror -Wno-unused-function -fsanitize=address,undefined \
    -fno-sanitize-recover=all -o "$out/$test" "$dir/$test.c"
  # the tests' memory is never freed, like the arena
  ASAN_OPTIONS=detect_leaks=0 "$out/$test"
done
