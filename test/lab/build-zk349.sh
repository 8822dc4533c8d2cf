#!/bin/bash
# Builds the guide's release, ZooKeeper 3.4.9, from Apache's release-3.4.9 source the way its
# build.xml does, offline, with Java 17's `javac --release 8`: jute and its record compiler (Rcc),
# the generated records and version class, then everything else against Debian's log4j 1.2, slf4j
# and jline 1.0 (downloaded, never installed). Netty 3 is not packaged by Debian, so the two Netty*
# classes are left out (3.4.9's default connection factory is NIO). Laid out as Apache's release:
# zookeeper-3.4.9/{zookeeper-3.4.9.jar, lib/, bin/, conf/, src/, LICENSE.txt, NOTICE.txt}.
# Reproducible: fixed file order, owner and mtime, gzip -n.
# Usage: build-zk349.sh SOURCE_TARBALL OUT_DIR
set -euo pipefail
source_tarball=${1:?source tarball}
out=${2:?output directory}
mkdir -p "$out"

version=3.4.9
target="$out/zookeeper-$version.tar.gz"
key=$(cat "${BASH_SOURCE[0]}" "$source_tarball" | sha256sum | cut -c1-16)
if [ "$(cat "$out/.built-$version" 2>/dev/null)" = "$key" ] && [ -s "$target" ]; then
  exit 0
fi
command -v javac >/dev/null || { echo "build-zk349: javac not found (a JDK 11+ is needed)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=(liblog4j1.2-java libslf4j-java libjline-java)
download() { (cd "$work" && apt-get download -q -o APT::Sandbox::User=root "${packages[@]}" >/dev/null 2>&1); }
if ! download; then
  apt-get update -qq >/dev/null
  download || { echo "build-zk349: apt-get download ${packages[*]} failed" >&2; exit 1; }
fi
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/deb"; done
java_dir="$work/deb/usr/share/java"
libs=(log4j-1.2-1.2.17 slf4j-api-1.7.32 slf4j-log4j12-1.7.32 jline-1.0)

tar -C "$work" -xzf "$source_tarball"
src="$work/zookeeper-$version-src"
[ -f "$src/src/zookeeper.jute" ] || { echo "build-zk349: $source_tarball is not release-$version's source" >&2; exit 1; }
main="$src/src/java/main"
classes="$work/classes"
generated="$work/generated"
mkdir -p "$classes" "$generated"
javac_() { javac --release 8 -nowarn -encoding UTF-8 -d "$classes" "$@" 2>&1 | grep -v '^Note:' || true; }

# 1. jute, then its compiler generates the record classes (Rcc writes below the current directory).
javac_ $(find "$main/org/apache/jute" -name '*.java')
(cd "$generated" && java -cp "$classes" org.apache.jute.compiler.generated.Rcc -l java "$src/src/zookeeper.jute" >/dev/null)
# 2. the version class, with the revision and date Apache's release carries.
javac_ $(find "$main/org/apache/zookeeper/version/util" -name '*.java')
(cd "$generated" && java -cp "$classes" org.apache.zookeeper.version.util.VerGen "$version" 1764771 "08/23/2016 03:44 GMT")
# 3. everything else.
classpath=$(printf "$java_dir/%s.jar:" "${libs[@]}")
find "$main" "$generated" -name '*.java' ! -name 'NettyServerCnxn*.java' >"$work/sources"
javac_ -cp "$classpath" @"$work/sources"
[ -f "$classes/org/apache/zookeeper/server/quorum/QuorumPeerMain.class" ] \
  || { echo "build-zk349: compiling ZooKeeper $version failed" >&2; exit 1; }

# 4. Apache's release layout.
rel="$work/zookeeper-$version"
mkdir -p "$rel/lib"
find "$classes" -exec touch -d '2016-08-23 03:44:00 UTC' {} +
(cd "$classes" && find . -type f | LC_ALL=C sort | sed 's|^\./||' >"$work/class-list")
(cd "$classes" && jar --create --file "$rel/zookeeper-$version.jar" --date=2016-08-23T03:44:00Z @"$work/class-list")
for lib in "${libs[@]}"; do cp "$java_dir/$lib.jar" "$rel/lib/"; done
cp -r "$src/bin" "$src/conf" "$src/src" "$src/LICENSE.txt" "$src/NOTICE.txt" "$src/README.txt" "$rel/"
chmod 755 "$rel/bin/"*.sh

tar -C "$work" --sort=name --mtime='2016-08-23 03:44:00 UTC' --owner=0 --group=0 --numeric-owner \
  --mode='u+rwX,go+rX,go-w' -cf - "zookeeper-$version" | gzip -n -9 >"$target.tmp"
mv "$target.tmp" "$target"
echo "$key" >"$out/.built-$version"
