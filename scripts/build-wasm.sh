#!/usr/bin/env bash
# Builds every committed .wasm in the repository from its source.
#   scripts/build-wasm.sh           rebuild in place
#   scripts/build-wasm.sh --check   rebuild into a scratch tree and fail if any committed byte differs
# Toolchains (Debian 12 packages): wabt; clang-14 lld-14; rustc cargo libstd-rust-dev-wasm32
# librust-serde-json-dev (the crates, from /usr/share/cargo/registry: .cargo/config.toml, pinned by
# Cargo.lock); Node.js with npm (AssemblyScript, pinned by wasm-samples/assemblyscript/package-lock.json);
# golang-1.23-go from bookworm-backports (Go).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

build_all() {
  local root=$1
  local samples="$root/wasm-samples/src/main/resources"
  # WAT: the samples (doubler is bundled under the PIP-331 name of the class that runs it) and
  # the library's test modules.
  wat2wasm wasm-samples/wat/doubler.wat -o "$samples/io.pulsarwasm.samples.Doubler.wasm"
  for wat in wasm-samples/wat/*.wat; do
    [ "$(basename "$wat")" = doubler.wat ] || wat2wasm "$wat" -o "$samples/$(basename "${wat%.wat}").wasm"
  done
  for wat in pulsar-wasm-engine/src/test/wat/*.wat; do
    wat2wasm --enable-multi-memory "$wat" -o "$root/pulsar-wasm-engine/src/test/resources/wasm/$(basename "${wat%.wat}").wasm"
  done
  # A function too large for one JVM method (the compiler's interpreter fallback): process(x)
  # returns x + 120000, one i64.add at a time.
  local huge
  huge=$(mktemp --suffix=.wat)
  {
    echo '(module (func (export "process") (param i64) (result i64) local.get 0'
    for _ in $(seq 120000); do echo 'i64.const 1 i64.add'; done
    echo '))'
  } > "$huge"
  wat2wasm "$huge" -o "$root/pulsar-wasm-engine/src/test/resources/wasm/huge.wasm"
  rm -f "$huge"
  # C, freestanding, against sdk/c/pulsar_wasm.h. Compiled and linked in two steps: linking with
  # -O2, clang 14 runs binaryen's wasm-opt over the module wherever one is installed (it finds
  # /usr/bin/wasm-opt whatever PATH says), so the output would depend on the machine.
  local objects
  objects=$(mktemp -d)
  for c in wasm-samples/c/*.c; do
    clang-14 --target=wasm32-unknown-unknown -O2 -Wall -Werror -Wno-unused-function \
      -c -o "$objects/$(basename "${c%.c}").o" "$c"
    clang-14 --target=wasm32-unknown-unknown -nostdlib -Wl,--no-entry \
      -o "$samples/$(basename "${c%.c}").wasm" "$objects/$(basename "${c%.c}").o"
  done
  rm -rf "$objects"
  # AssemblyScript, against sdk/assemblyscript/pulsar.ts, with the compiler the lockfile pins.
  [ -d wasm-samples/assemblyscript/node_modules ] || (cd wasm-samples/assemblyscript && npm ci --silent --no-audit --no-fund)
  for ts in wasm-samples/assemblyscript/*.ts; do
    (cd wasm-samples/assemblyscript && npx --no-install asc "$(basename "$ts")" -O3 \
      --use abort=../../sdk/assemblyscript/pulsar/abortHandler -o "$samples/$(basename "${ts%.ts}").wasm")
  done
  # Rust, with Debian's rustc called explicitly: a rustup toolchain earlier in PATH has no
  # offline wasm target. One workspace (Cargo.toml at the top) keeps the output independent of
  # the checkout's location; so does remapping the paths rustc embeds. Each sample is built on
  # its own: a workspace build would give every sample the SDK features any one of them enables
  # (records: json), changing the others' code.
  for crate in wasm-samples/rust/*/; do
    local name
    name=$(basename "$crate")
    RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$repo/target/rust" RUSTFLAGS="--remap-path-prefix=$repo=." \
      /usr/bin/cargo build --quiet --offline --release --target wasm32-unknown-unknown --package "$name"
    cp "target/rust/wasm32-unknown-unknown/release/$name.wasm" "$samples/$name.wasm"
  done
  # Go, with Debian's Go 1.23 (bookworm-backports) as a WASI command against sdk/go; offline (the
  # SDK is a local replace, the standard library the only dependency), without paths, VCS stamps
  # or build ids, so the output depends on the source alone.
  for module in wasm-samples/go/*/ pulsar-wasm-engine/src/test/go/*/; do
    local out="$samples"
    [[ $module == pulsar-wasm-engine/* ]] && out="$root/pulsar-wasm-engine/src/test/resources/wasm"
    (cd "$module" && GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod \
      "$go" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=" -o "$out/$(basename "$module").wasm" .)
  done
}

go=/usr/lib/go-1.23/bin/go

committed() {
  git ls-files --cached --others --exclude-standard -- '*.wasm'
}

if [ "${1:-}" != "--check" ]; then
  build_all "$repo"
  exit 0
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/wasm-samples/src/main/resources" "$scratch/pulsar-wasm-engine/src/test/resources/wasm"
build_all "$scratch"
status=0
checked=0
for file in $(committed); do
  checked=$((checked + 1))
  if [ ! -e "$scratch/$file" ]; then
    echo "build-wasm: $file is committed but no source in scripts/build-wasm.sh builds it" >&2
    status=1
  elif ! cmp -s "$scratch/$file" "$file"; then
    echo "build-wasm: $file differs from a rebuild of its source" >&2
    status=1
  fi
done
for file in $(cd "$scratch" && find . -name '*.wasm' | sed 's#^\./##'); do
  [ -e "$file" ] || { echo "build-wasm: $file is built from source but not committed" >&2; status=1; }
done
[ $status -eq 0 ] && echo "build-wasm: all $checked committed .wasm files match a rebuild from source"
exit $status
