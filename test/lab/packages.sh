#!/bin/bash
# Every Debian package the test run needs that this machine lacks, in one apt-get run (one list
# update, one dpkg lock): the lab's sshd, client and JDK, the systemd hosts' container tools and
# root file system builder, Chromium for the dashboard, zsh for the completion test, ps and
# python3 that the lab's reset and some tests run.
# Idempotent: nothing to install, nothing asked of the network. Needs root.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "packages: needs root (sudo)" >&2; exit 1; }

missing=()
need() { # command or file, package
  if [[ $1 == /* ]]; then [ -e "$1" ] || missing+=("$2"); else command -v "$1" >/dev/null || missing+=("$2"); fi
}
need /usr/sbin/sshd openssh-server
need ssh openssh-client
need javac default-jdk-headless
need ip iproute2
need sudo sudo
need systemd-nspawn systemd-container
need mmdebstrap mmdebstrap
need chromium chromium
need /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core
need zsh zsh
need script util-linux
need ps procps
need python3 python3
[ ${#missing[@]} -eq 0 ] && exit 0

echo "packages: installing ${missing[*]}" >&2
policy=/usr/sbin/policy-rc.d added_policy=
if [ ! -e "$policy" ]; then
  # Packages must not start system-wide daemons (sshd): the lab runs its own per host.
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
fi
trap '[ -z "$added_policy" ] || rm -f "$policy"' EXIT
# A fresh machine's daily apt job may hold the lock for a while: waited for, not failed on.
apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
