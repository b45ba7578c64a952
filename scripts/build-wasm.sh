#!/usr/bin/env bash
# Builds every committed .wasm in the repository from its source.
#   scripts/build-wasm.sh           rebuild in place
#   scripts/build-wasm.sh --check   rebuild into a scratch tree and fail if any committed byte differs
# Toolchains (Debian 12 packages): wabt; rustc cargo libstd-rust-dev-wasm32 lld-14.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

build_all() {
  local root=$1
  # WAT: the samples and the library's test modules.
  wat2wasm wasm-samples/wat/doubler.wat -o "$root/wasm-samples/src/main/resources/io.pulsarwasm.samples.Doubler.wasm"
  for wat in pulsar-wasm-function/src/test/wat/*.wat; do
    wat2wasm "$wat" -o "$root/pulsar-wasm-function/src/test/resources/wasm/$(basename "${wat%.wat}").wasm"
  done
  # Rust, with Debian's rustc called explicitly: a rustup toolchain earlier in PATH has no
  # offline wasm target. Paths are remapped so the output does not depend on the checkout's place.
  for crate in wasm-samples/rust/*/; do
    local name
    name=$(basename "$crate")
    (cd "$crate" && RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$repo/wasm-samples/target/rust" \
      RUSTFLAGS="--remap-path-prefix=$repo=." \
      /usr/bin/cargo build --quiet --offline --release --target wasm32-unknown-unknown)
    cp "wasm-samples/target/rust/wasm32-unknown-unknown/release/$name.wasm" \
      "$root/wasm-samples/src/main/resources/$name.wasm"
  done
}

committed() {
  git ls-files --cached --others --exclude-standard -- '*.wasm'
}

if [ "${1:-}" != "--check" ]; then
  build_all "$repo"
  exit 0
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/wasm-samples/src/main/resources" "$scratch/pulsar-wasm-function/src/test/resources/wasm"
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
