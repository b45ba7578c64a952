#!/usr/bin/env bash
# The JavaScript engine, fetched at build time: QuickJS-ng compiled to wasm by quickjs-emscripten
# (npm @jitl/quickjs-ng-wasmfile-release-sync, MIT), pinned by version and by the SHA-512 of its
# tarball (the registry's own integrity value). The engine module's build runs this before Endive's
# compiler turns the wasm into JVM bytecode (pulsar-wasm-engine/pom.xml).
#
#   scripts/quickjs.sh <output directory>
#
# Writes into the output directory:
#   quickjs-ng.wasm       the module, its imported memory's initial size lowered from emscripten's
#                         16 MiB to what its data and stack need (so that the memory budget, not the
#                         build, decides how much a function gets); nothing else is changed
#   resources/io/pulsarwasm/engine/quickjs-ng.exports
#                         the C API's names (QTS_Call, malloc, ...) to the release build's minified
#                         export names, read from the package's own JavaScript glue
#   resources/io/pulsarwasm/engine/quickjs-ng.imports
#                         the minified import names to what each does (pulsar-wasm-engine/src/main/quickjs/imports.txt,
#                         each checked against its definition in the glue)
#   resources/META-INF/LICENSE-quickjs-ng.txt
#                         the package's licence (quickjs-emscripten and QuickJS), shipped with the engine
# The tarball comes through npm where there is one, else straight from the registry with the JDK
# (scripts/Download.java), and is cached under ${XDG_CACHE_HOME:-~/.cache}/pulsar-wasm, so a build
# works offline once it has it.
set -euo pipefail

package=@jitl/quickjs-ng-wasmfile-release-sync
version=0.32.0
sha512=5c05f68e36565a1dccd18691aa2f36c4c28d5bf82417a9a8dcca56dd46367265719d06a2d49b9ba15b09415a0b53adbd8842f85d6bc7b4ee21e65a3b3519c072
# the memory import, "a"."a", as emscripten declared it: limits with a maximum, 256 pages initial, 32768 most
memory_import='\x01a\x01a\x02\x01\x80\x02\x80\x80\x02'
# 82 pages: the stack pointer starts at 5,342,832 (data, then a 5 MiB stack); the heap grows from there
lowered_import='\x01a\x01a\x02\x01\xd2\x00\x80\x80\x02'

out=${1:?usage: scripts/quickjs.sh <output directory>}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/pulsar-wasm
tarball=$cache/quickjs-ng-wasmfile-release-sync-$version.tgz

verified() {
  [ -f "$1" ] && echo "$sha512  $1" | sha512sum --check --status
}

if [ -f "$out/quickjs-ng.wasm" ] && [ -f "$out/.source" ] && [ "$(cat "$out/.source")" = "$sha512" ]; then
  exit 0
fi
if ! verified "$tarball"; then
  mkdir -p "$cache"
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  if command -v npm >/dev/null 2>&1; then
    # npm, where there is one, with its registry settings (a mirror, a proxy)
    (cd "$scratch" && npm pack --silent "$package@$version" >/dev/null)
  else
    # a machine with only a JDK (the README's demo on a fresh Debian 12): the registry's own URL
    "${JAVA_HOME:+$JAVA_HOME/bin/}java" "$(dirname "$0")/Download.java" \
      "https://registry.npmjs.org/$package/-/${package#*/}-$version.tgz" "$scratch/package.tgz"
  fi
  if ! verified "$scratch"/*.tgz; then
    echo "quickjs.sh: $package@$version does not have the pinned SHA-512; refusing it" >&2
    exit 1
  fi
  mv "$scratch"/*.tgz "$tarball"
fi

rm -rf "$out"
mkdir -p "$out/unpacked" "$out/resources/io/pulsarwasm/engine" "$out/resources/META-INF"
tar -xzf "$tarball" -C "$out/unpacked" package/dist/emscripten-module.wasm package/dist/emscripten-module.cjs package/LICENSE
cp "$out/unpacked/package/LICENSE" "$out/resources/META-INF/LICENSE-quickjs-ng.txt"

# Lower the imported memory's initial size, in place: the same number of bytes (a padded LEB128),
# exactly one match, or the build stops.
perl -0777 -e '
  my ($in, $out, $from, $to) = @ARGV;
  open(my $f, "<:raw", $in) or die "$in: $!";
  my $wasm = do { local $/; <$f> };
  $from = eval "\"$from\""; $to = eval "\"$to\"";
  my $count = () = $wasm =~ /\Q$from\E/g;
  die "quickjs.sh: expected one memory import as emscripten declares it, found $count\n" unless $count == 1;
  $wasm =~ s/\Q$from\E/$to/;
  open(my $o, ">:raw", $out) or die "$out: $!";
  print $o $wasm;
' "$out/unpacked/package/dist/emscripten-module.wasm" "$out/quickjs-ng.wasm" "$memory_import" "$lowered_import"

# The export names: the glue assigns each C function from the minified exports, as c._QTS_Call=b.oa
exports=$out/resources/io/pulsarwasm/engine/quickjs-ng.exports
{
  echo "# $package@$version: C function = export name, from dist/emscripten-module.cjs"
  grep -o 'c\._[A-Za-z_][A-Za-z_0-9]*=b\.[A-Za-z_$][A-Za-z_$0-9]*' "$out/unpacked/package/dist/emscripten-module.cjs" |
    sed -e 's/^c\._//' -e 's/=b\./=/'
} >"$exports"
for name in malloc free QTS_NewRuntime QTS_NewContext QTS_Eval QTS_Call QTS_NewString QTS_GetString QTS_NewFunction; do
  grep -q "^$name=" "$exports" || {
    echo "quickjs.sh: the glue of $package@$version names no export for $name" >&2
    exit 1
  }
done

# The imports: pulsar-wasm-engine/src/main/quickjs/imports.txt names each, checked against the glue
imports=$out/resources/io/pulsarwasm/engine/quickjs-ng.imports
echo "# $package@$version: import name = what it does, from pulsar-wasm-engine/src/main/quickjs/imports.txt" >"$imports"
glue=$(cat "$out/unpacked/package/dist/emscripten-module.cjs")
while read -r name meaning definition; do
  case "$name" in '#'* | '') continue ;; esac
  case "$glue" in
    *"$definition"*) echo "$name=$meaning" >>"$imports" ;;
    *)
      echo "quickjs.sh: the glue of $package@$version does not define import $name ($meaning) as $definition" >&2
      exit 1
      ;;
  esac
done <"$(dirname "$0")/../pulsar-wasm-engine/src/main/quickjs/imports.txt"
rm -rf "$out/unpacked"
echo "$sha512" >"$out/.source"
