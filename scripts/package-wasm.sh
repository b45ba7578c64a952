#!/usr/bin/env bash
# Turns a .wasm into a self-contained function NAR (the generic NAR plus the module), so that
# deploying it needs no wasm.module user config:
#   scripts/package-wasm.sh path/to/f.wasm [--type long|bytes|string|record] [--user-config '<json>'] [--output f.nar]
# --type defaults to long or bytes, by the module's entry point; record (WasmRecordFunction) takes the
# wasm.record.* keys too. --user-config is the JSON the function
# will be deployed with: the module is checked against its wasm.* sandbox (limits, WASI), not the
# default one. Builds the generic NAR first if needed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
args=()
config=$(mktemp)
trap 'rm -f "$config"' EXIT
while [ $# -gt 0 ]; do
  if [ "$1" = --user-config ]; then
    # handed over in a file: the JSON's quotes and spaces would not survive exec.args
    printf '%s' "${2:?--user-config needs a JSON object}" > "$config"
    args+=(--user-config-file "$config")
    shift 2
    continue
  fi
  # Paths are resolved here, because Maven runs the tool from the module's directory.
  if [ -e "$1" ]; then args+=("$(realpath "$1")"); else args+=("$1"); fi
  shift
done
if ! printf '%s\n' "${args[@]}" | grep -qx -- --output; then
  module=
  for arg in "${args[@]}"; do
    case "$arg" in *.wasm) module=$arg; break ;; esac
  done
  : "${module:?usage: package-wasm.sh <module.wasm> [--type long|bytes|string|record] [--user-config <json>] [--output <nar>]}"
  args+=(--output "$PWD/$(basename "${module%.wasm}").nar")
else
  for i in "${!args[@]}"; do
    if [ "${args[$i]}" = --output ]; then args[$((i + 1))]=$(realpath -m "${args[$((i + 1))]}"); fi
  done
fi
nar=$(ls "$repo"/pulsar-wasm-function/target/pulsar-wasm-function-*-nar.nar 2>/dev/null | head -1 || true)
if [ -z "$nar" ]; then
  "$repo/mvnw" -q -f "$repo/pom.xml" -pl pulsar-wasm-function -am install -DskipTests
  nar=$(ls "$repo"/pulsar-wasm-function/target/pulsar-wasm-function-*-nar.nar | head -1)
fi
"$repo/mvnw" -q -f "$repo/pom.xml" -pl pulsar-wasm-tools -am install -DskipTests
"$repo/mvnw" -q -f "$repo/pom.xml" -pl pulsar-wasm-tools exec:java \
  -Dexec.mainClass=io.pulsarwasm.tools.NarPackager -Dexec.classpathScope=compile \
  -Dexec.args="--nar $nar ${args[*]}"
