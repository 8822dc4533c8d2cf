#!/bin/bash
# Builds ZooKeeper release tarballs with Apache's layout from Debian's ZooKeeper packages, downloaded
# (never installed): zookeeper-V.tar.gz and apache-zookeeper-V-bin.tar.gz (same content, the two
# naming styles Apache used), and a jar-less apache-zookeeper-V.tar.gz shaped like a source release.
# Reproducible: fixed file order, owner and mtime, gzip -n. Usage: build-tarballs.sh OUT_DIR
set -euo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?output directory}
mkdir -p "$out"

# Rebuilt whenever this builder or the zkEnv.sh it ships changes, not only when a tarball is missing.
key=$(cat "${BASH_SOURCE[0]}" "$LAB_DIR/zkEnv.sh" | sha256sum | cut -c1-16)
if [ "$(cat "$out/.built" 2>/dev/null)" = "$key" ] && [ -s "$out/zookeeper-3.8.0.tar.gz" ]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=(zookeeper libzookeeper-java libslf4j-java liblog4j1.2-java libdropwizard-metrics-java
  libsnappy-java libnetty-java libcommons-cli-java libcommons-io-java libjline2-java)
download() { (cd "$work" && apt-get download -q -o APT::Sandbox::User=root "${packages[@]}" >/dev/null 2>&1); }
if ! download; then
  apt-get update -qq >/dev/null
  download || { echo "build-tarballs: apt-get download ${packages[*]} failed" >&2; exit 1; }
fi
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

version=$(sed -n 's/^Version: \([0-9.]*\).*/\1/p' <(dpkg-deb -f "$work"/zookeeper_*.deb))
java="$work/root/usr/share/java"
rel="$work/zookeeper-$version"
mkdir -p "$rel/bin" "$rel/conf" "$rel/lib"

# What ZooKeeper needs to run a server and zkCli, and nothing of Debian's /usr/share/java paths.
jars=("zookeeper-$version" "zookeeper-jute-$version" slf4j-api slf4j-log4j12 log4j-1.2 metrics-core
  snappy-java commons-cli commons-io jline2 netty-buffer netty-codec netty-common netty-handler
  netty-resolver netty-transport netty-transport-native-epoll netty-transport-native-unix-common)
for jar in "${jars[@]}"; do
  src="$java/$jar.jar"
  [ -e "$src" ] || { echo "build-tarballs: $jar.jar missing from Debian's packages" >&2; exit 1; }
  # Name each jar with its version, as Apache's lib/ does.
  if [[ $jar =~ -[0-9] ]]; then
    versioned=$jar.jar
  else
    target=$(basename "$(readlink -f "$src")")
    versioned=$(find "$java" -maxdepth 1 -lname "$target" -name "$jar-[0-9]*.jar" | head -n1)
    [ -n "$versioned" ] || versioned=$target
  fi
  cp -L "$src" "$rel/lib/$(basename "$versioned")"
done

zkbin="$work/root/usr/share/zookeeper/bin"
cp "$zkbin/zkServer.sh" "$zkbin/zkCli.sh" "$zkbin/zkCleanup.sh" "$rel/bin/"
cp "$LAB_DIR/zkEnv.sh" "$rel/bin/zkEnv.sh"
chmod 755 "$rel/bin/"*.sh
conf="$work/root/etc/zookeeper/conf_example"
cp "$conf/zoo.cfg" "$rel/conf/zoo_sample.cfg"
cp "$conf/configuration.xsl" "$rel/conf/"
# Debian's log4j.properties has no default root logger: without one the server logs nothing.
{
  printf 'zookeeper.root.logger=INFO, CONSOLE\nzookeeper.log.dir=.\nzookeeper.log.file=zookeeper.log\n'
  cat "$conf/log4j.properties"
} >"$rel/conf/log4j.properties"

pack() { # dir-in-$work, tarball name
  tar -C "$work" --sort=name --mtime='2022-03-06 00:00:00 UTC' --owner=0 --group=0 --numeric-owner \
    --mode='u+rwX,go+rX,go-w' -cf - "$1" | gzip -n -9 >"$out/$2.tmp"
  mv "$out/$2.tmp" "$out/$2"
}

pack "zookeeper-$version" "zookeeper-$version.tar.gz"
mv "$rel" "$work/apache-zookeeper-$version-bin"
pack "apache-zookeeper-$version-bin" "apache-zookeeper-$version-bin.tar.gz"

# A source release: scripts and conf, a pom, sources, but no jars at all.
src="$work/apache-zookeeper-$version"
mkdir -p "$src/zookeeper-server/src/main/java/org/apache/zookeeper"
cp -r "$work/apache-zookeeper-$version-bin/bin" "$work/apache-zookeeper-$version-bin/conf" "$src/"
printf '<project><artifactId>zookeeper</artifactId><version>%s</version></project>\n' "$version" >"$src/pom.xml"
printf 'package org.apache.zookeeper;\npublic class Version {}\n' \
  >"$src/zookeeper-server/src/main/java/org/apache/zookeeper/Version.java"
pack "apache-zookeeper-$version" "apache-zookeeper-$version.tar.gz"

echo "$key" >"$out/.built"
