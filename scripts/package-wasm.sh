#!/usr/bin/env bash
# Turns a .wasm into a self-contained function NAR (the generic NAR plus the module), so that
# deploying it needs no wasm.module user config:
#   scripts/package-wasm.sh path/to/f.wasm [--type long|bytes|string] [--output f.nar]
# --type defaults to long or bytes, by the module's entry point. Builds the generic NAR first if needed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
args=()
for arg in "$@"; do
  # Paths are resolved here, because Maven runs the tool from the module's directory.
  if [ -e "$arg" ]; then args+=("$(realpath "$arg")"); else args+=("$arg"); fi
done
if ! printf '%s\n' "${args[@]}" | grep -qx -- --output; then
  first=${args[0]:?usage: package-wasm.sh <module.wasm> [--type long|bytes|string] [--output <nar>]}
  args+=(--output "$PWD/$(basename "${first%.wasm}").nar")
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
