#!/usr/bin/env bash
# The README's test command, and what CI runs (.ci/run): installs what a fresh Debian 12 machine
# with JDK 17 lacks (the guest toolchains, a Docker engine), checks that every committed .wasm
# matches a rebuild from its source, runs the guest SDKs' own tests, then ./mvnw verify (with
# -Pcluster, the multi-node suite, where Docker runs).
# As root or with sudo (apt-get, dockerd). Extra arguments go to Maven (e.g. -Pcluster).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
  as_root=()
else
  as_root=(sudo)
fi
packages=(wabt clang-14 lld-14 rustc cargo libstd-rust-dev-wasm32 librust-serde-json-dev)
# AssemblyScript needs Node.js 20 with npm; machines of this kind ship it, Debian's is older.
command -v npx >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Go 1.23 (Go functions) is in Debian 12's bookworm-backports suite, which apt does not read by default.
if [ ! -x /usr/lib/go-1.23/bin/go ]; then
  if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "ci: adding bookworm-backports to apt's sources (for golang-1.23-go)"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      "${as_root[@]}" tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  echo "ci: installing golang-1.23-go"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq -t bookworm-backports golang-1.23-go >/dev/null
fi

scripts/build-wasm.sh --check
sdk/c/test/run.sh
# The guest SDKs' own tests: AssemblyScript (and every committed sample) against the Node test host,
# and Rust natively against the SDK's in-memory host, with and without feature json, using Debian's
# toolchain (a rustup one earlier in PATH would not match the offline registry).
node --test wasm-samples/assemblyscript/test/samples.test.mjs
# the JavaScript SDK's in-memory ctx against its declarations (pulsar-wasm.d.ts)
node --test sdk/javascript/test/
for args in --workspace "-p pulsar-wasm"; do
  RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR=target/rust /usr/bin/cargo test --offline --quiet $args
done
# Go: the SDK and each sample natively against the SDK's TestHost (go test, offline).
for module in sdk/go wasm-samples/go/*/; do
  (cd "$module" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod /usr/lib/go-1.23/bin/go test ./...)
done

# The integration suite runs Pulsar through Testcontainers when a Docker engine runs and has the
# image; no registry is reachable here, so the image is built locally (scripts/pulsar-image.sh,
# cached by its inputs). An engine this script starts, it stops. Where none can run, the suite
# falls back to the local distribution and says so.
dockerd_pidfile=/tmp/ci-dockerd.pid
started_dockerd=
stop_dockerd() {
  if [ -n "$started_dockerd" ] && [ -f "$dockerd_pidfile" ]; then
    echo "ci: stopping the Docker engine it started"
    pid=$(cat "$dockerd_pidfile")
    "${as_root[@]}" kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do
      "${as_root[@]}" kill -0 "$pid" 2>/dev/null || return 0
      sleep 1
    done
    "${as_root[@]}" kill -9 "$pid" 2>/dev/null || true
  fi
}
trap stop_dockerd EXIT
install_packages() {
  { "${as_root[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "$@" >/dev/null; } ||
    echo "ci: could not install $*"
}
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    echo "ci: installing docker.io debootstrap"
    install_packages docker.io debootstrap
  fi
  if command -v dockerd >/dev/null 2>&1; then
    "${as_root[@]}" dockerd --group "$(id -gn)" --pidfile "$dockerd_pidfile" >/tmp/ci-dockerd.log 2>&1 &
    started_dockerd=yes
    for _ in $(seq 30); do
      docker info >/dev/null 2>&1 && break
      sleep 1
    done
  fi
fi
profiles=()
if docker info >/dev/null 2>&1; then
  command -v debootstrap >/dev/null 2>&1 || install_packages debootstrap
  if scripts/pulsar-image.sh; then
    # the multi-node cluster suite needs containers: with an image, it runs too
    profiles+=(-Pcluster)
  else
    echo "ci: no Pulsar image; the integration suite falls back to the local distribution, without the cluster suite"
  fi
else
  echo "ci: no Docker engine runs here (see /tmp/ci-dockerd.log); the integration suite uses the local distribution," \
    "without the cluster suite"
fi

# The unit tests, the integration suite and (with Docker) the cluster suite.
./mvnw -B verify "${profiles[@]}" "$@"
