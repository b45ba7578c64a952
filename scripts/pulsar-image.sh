#!/usr/bin/env bash
# Builds apachepulsar/pulsar:<pulsar.version> locally, for Testcontainers on machines that reach no
# image registry (where one is reachable, `docker pull apachepulsar/pulsar:<version>` is simpler).
#
# The image: a minimal Debian 12 (debootstrap, from the mirror apt already uses) with OpenJDK 17,
# Python 3 and procps; Pulsar's binary distribution (the Maven artifact, fetched into ~/.m2) at
# /pulsar; and bin/apply-config-from-env.py, which Testcontainers' PulsarContainer runs and the
# distribution lacks. It is labelled with a key computed from those inputs: when an image of that
# name already carries the same key, nothing is rebuilt. An image of that name without our label
# (the official one, pulled) is left alone.
#
# Needs root (or sudo) for debootstrap, and a running Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then as_root=(); else as_root=(sudo); fi
docker_cmd=(docker)
if ! docker info >/dev/null 2>&1; then
  docker_cmd=("${as_root[@]}" docker)
  echo "pulsar-image: warning: only root reaches the Docker engine; tests run as $(id -un) will not see the image"
fi

version=$(sed -n 's:.*<pulsar.version>\(.*\)</pulsar.version>.*:\1:p' pom.xml | head -1)
image="apachepulsar/pulsar:$version"
packages=openjdk-17-jre-headless,python3,procps
repository=${M2_REPO:-$HOME/.m2/repository}
distribution="$repository/org/apache/pulsar/pulsar-server-distribution/$version/pulsar-server-distribution-$version-bin.tar.gz"
if [ ! -f "$distribution" ]; then
  ./mvnw -B -q dependency:get -Dtransitive=false \
    -Dartifact="org.apache.pulsar:pulsar-server-distribution:$version:tar.gz:bin"
fi

key=$( (cat scripts/pulsar-image.sh scripts/pulsar-image/apply-config-from-env.py; echo "$packages";
        sha256sum < "$distribution") | sha256sum | cut -c1-16)
label=io.pulsarwasm.image-key
if "${docker_cmd[@]}" image inspect "$image" >/dev/null 2>&1; then
  existing=$("${docker_cmd[@]}" image inspect --format "{{ index .Config.Labels \"$label\" }}" "$image")
  if [ "$existing" = "$key" ]; then
    echo "pulsar-image: $image is up to date (key $key)"
    exit 0
  elif [ -z "$existing" ] || [ "$existing" = "<no value>" ]; then
    echo "pulsar-image: $image exists and was not built here (the official image?); left alone"
    exit 0
  fi
  echo "pulsar-image: rebuilding $image (key $existing -> $key)"
  previous=$("${docker_cmd[@]}" image inspect --format '{{ .Id }}' "$image")
fi

mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
if [ -z "$mirror" ]; then
  mirror=$(sed -n 's/^deb  *\(\[[^]]*\]  *\)\{0,1\}\([^ ]*\)  *bookworm .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -1)
fi
mirror=${mirror:-http://deb.debian.org/debian}

root=$(mktemp -d /tmp/pulsar-image.XXXXXX)
# debootstrap mounts /proc and /sys inside the tree: unmount before removing, and never cross into a mount
trap '"${as_root[@]}" umount -R "$root/rootfs/proc" "$root/rootfs/sys" 2>/dev/null || true; "${as_root[@]}" rm -rf --one-file-system "$root"' EXIT
echo "pulsar-image: building $image (key $key) from $mirror and $(basename "$distribution")"
"${as_root[@]}" debootstrap --variant=minbase --include="$packages" bookworm "$root/rootfs" "$mirror" >"$root/debootstrap.log" 2>&1 \
  || { tail -20 "$root/debootstrap.log"; exit 1; }
"${as_root[@]}" rm -rf "$root/rootfs/var/cache/apt/archives/"*.deb "$root/rootfs/var/lib/apt/lists/"*
"${as_root[@]}" mkdir "$root/rootfs/pulsar"
"${as_root[@]}" tar -xzf "$distribution" -C "$root/rootfs/pulsar" --strip-components=1
"${as_root[@]}" install -m 0755 scripts/pulsar-image/apply-config-from-env.py "$root/rootfs/pulsar/bin/"
"${as_root[@]}" tar -C "$root/rootfs" -c . | "${docker_cmd[@]}" import \
  -c 'WORKDIR /pulsar' -c 'ENV PATH=/pulsar/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c "LABEL $label=$key" -c 'CMD ["bin/pulsar", "standalone"]' - "$image" >/dev/null
[ -z "${previous:-}" ] || "${docker_cmd[@]}" rmi "$previous" >/dev/null 2>&1 || true
echo "pulsar-image: built $image"
