#!/usr/bin/env bash
# Builds and runs the native tests of the C SDK's JSON reader and writer (sdk/c/pulsar_json.h),
# with AddressSanitizer and UBSan; exits non-zero if a test fails or anything reads out of bounds.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"${CC:-clang-14}" -std=c11 -O1 -g -Wall -Wextra -Werror -Wno-unused-function -fsanitize=address,undefined \
  -fno-sanitize-recover=all -o "$out/json_test" "$dir/json_test.c"
ASAN_OPTIONS=detect_leaks=0 "$out/json_test" # the test's pw_alloc is malloc, never freed, like the arena
