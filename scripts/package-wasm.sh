#!/usr/bin/env bash
# Turns a .wasm, or a JavaScript function (.js or .mjs, an ES module exporting process(input, ctx)),
# into a self-contained function NAR (the generic NAR plus the module), so that deploying it needs
# no wasm.module user config:
#   scripts/package-wasm.sh path/to/f.wasm [--type long|bytes|string|record|window] [--user-config '<json>'] [--output f.nar]
#   scripts/package-wasm.sh path/to/f.js [--type string|bytes|record|window] [--user-config '<json>'] [--output f.nar]
# --type defaults to long or bytes for a .wasm, by the module's entry point, and to string for
# JavaScript (which cannot run as long); record (WasmRecordFunction) takes the wasm.record.* keys
# too; window (WasmWindowFunction) gets every record of a window in one call. --user-config is the
# JSON the function will be deployed with: the module is checked against its wasm.* sandbox
# (limits, WASI), not the default one; a JavaScript function is compiled and evaluated once, so a
# syntax error fails here. --output defaults to f.nar in the current
# directory. Builds the generic NAR first if needed.
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
    case "$arg" in *.wasm | *.js | *.mjs) module=$arg; break ;; esac
  done
  : "${module:?usage: package-wasm.sh <module.wasm|function.js|function.mjs> [--type long|bytes|string|record|window] [--user-config <json>] [--output <nar>]}"
  module=$(basename "$module")
  args+=(--output "$PWD/${module%.*}.nar")
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
# The packager and its class path, built once and reused until a source it is built from changes
# (a build costs tens of seconds; the integration suite packages several functions).
# The build writes it (pulsar-wasm-tools/pom.xml); runs at once wait for one another's rebuild.
classpath="$repo/pulsar-wasm-tools/target/package-wasm.classpath"
modules=("$repo"/pulsar-wasm-engine "$repo"/pulsar-wasm-function "$repo"/pulsar-wasm-tools)
mkdir -p "$repo/pulsar-wasm-tools/target"
exec 9>"$repo/pulsar-wasm-tools/target/package-wasm.lock"
flock 9
if [ ! -s "$classpath" ] || [ ! -d "$repo/pulsar-wasm-tools/target/classes" ] ||
  [ -n "$(find "$repo/pom.xml" "${modules[@]/%//pom.xml}" "${modules[@]/%//src}" -newer "$classpath" -print -quit)" ]; then
  "$repo/mvnw" -q -f "$repo/pom.xml" -pl pulsar-wasm-tools -am install -DskipTests
fi
flock -u 9
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$repo/pulsar-wasm-tools/target/classes:$(cat "$classpath")" \
  io.pulsarwasm.tools.NarPackager --nar "$nar" "${args[@]}"
