#!/bin/bash
# One lab host that boots real systemd, with firewalld active in its default zone, as on a fresh
# RHEL/CentOS server: LZY-S1 at SUBNET.60 on the lab's bridge, user admin with the lab's key, and
# sudo for admin allowing exactly the two commands of the guide's step 8 (the rule zkdeploy prints).
# A Debian bookworm root file system (mmdebstrap, about 40 s, cached in the lab's state) under a
# fresh overlay each time, booted by systemd-nspawn into the host's own network namespace.
# Usage: systemd-host.sh up|down. Needs root and a lab that is up (lab.sh up).
set -euo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$LAB_DIR/common.sh"
STATE=${ZKLAB_STATE:-/var/lib/zkdeploy-lab}
NAME=LZY-S1
NS=lzys1
VETH=zkl-lzys1
DIR=$STATE/systemd-host
ROOTFS=$STATE/rootfs
MARK_BEGIN='# BEGIN zkdeploy-lab systemd host'
MARK_END='# END zkdeploy-lab systemd host'

say() { printf 'systemd-host: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }


build_rootfs() {
  local key
  key=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
  [ "$(cat "$ROOTFS/.built" 2>/dev/null)" = "$key" ] && [ -d "$ROOTFS/lower/etc" ] && return 0
  if ! command -v systemd-nspawn >/dev/null || ! command -v mmdebstrap >/dev/null; then
    say "installing systemd-container and mmdebstrap"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd-container mmdebstrap >/dev/null
  fi
  say "building a Debian root file system with systemd and firewalld (about 40 s, once)"
  rm -rf "$ROOTFS"
  mkdir -p "$ROOTFS/lower"
  mmdebstrap --quiet --variant=minbase \
    --include=systemd,systemd-sysv,dbus,openssh-server,firewalld,iproute2,procps,netbase,sudo \
    bookworm "$ROOTFS/rootfs.tar"
  tar -C "$ROOTFS/lower" -xf "$ROOTFS/rootfs.tar"
  rm -f "$ROOTFS/rootfs.tar" "$ROOTFS"/lower/etc/ssh/ssh_host_*
  chroot "$ROOTFS/lower" useradd -m -s /bin/bash admin
  install -d -m 700 "$ROOTFS/lower/home/admin/.ssh"
  cp "$STATE/keys/id_ed25519.pub" "$ROOTFS/lower/home/admin/.ssh/authorized_keys"
  chroot "$ROOTFS/lower" chown -R admin:admin /home/admin/.ssh
  printf 'admin ALL=(root) NOPASSWD: /usr/bin/systemctl stop firewalld, /usr/bin/systemctl disable firewalld\n' \
    >"$ROOTFS/lower/etc/sudoers.d/zkdeploy"
  chmod 440 "$ROOTFS/lower/etc/sudoers.d/zkdeploy"
  echo "$key" >"$ROOTFS/.built"
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "needs root"
  [ -f "$STATE/up.env" ] || die "the lab is not up (lab.sh up)"
  # shellcheck source=/dev/null
  . "$STATE/up.env"
  cmd_down 2>/dev/null || true
  build_rootfs
  mkdir -p "$DIR/upper" "$DIR/work" "$DIR/root"
  mount -t overlay overlay -o "lowerdir=$ROOTFS/lower,upperdir=$DIR/upper,workdir=$DIR/work" "$DIR/root"
  # One host key for good, so that root's known_hosts never sees it change.
  [ -f "$STATE/systemd-host-key" ] || ssh-keygen -q -t ed25519 -N '' -C "$NAME" -f "$STATE/systemd-host-key"
  install -m 600 "$STATE/systemd-host-key" "$DIR/root/etc/ssh/ssh_host_ed25519_key"
  install -m 644 "$STATE/systemd-host-key.pub" "$DIR/root/etc/ssh/ssh_host_ed25519_key.pub"
  echo "$NAME" >"$DIR/root/etc/hostname"
  local ip="$SUBNET.60"
  ip netns add "$NS"
  ip link add "$VETH" type veth peer name eth0 netns "$NS"
  ip link set "$VETH" master zklab0 up
  ip -n "$NS" addr add "$ip/24" dev eth0
  ip -n "$NS" link set eth0 up
  ip -n "$NS" link set lo up
  # CAP_NET_ADMIN: without it firewalld cannot load its nftables rules and exits at once. The JDK
  # is the machine's (its security config lives under /etc/java-*).
  local binds=(--bind-ro=/usr/lib/jvm)
  for d in /etc/java-*; do [ -d "$d" ] && binds+=("--bind-ro=$d"); done
  setsid systemd-nspawn --quiet -D "$DIR/root" -b --register=no --keep-unit --network-namespace-path="/run/netns/$NS" \
    --capability=CAP_NET_ADMIN,CAP_NET_RAW "${binds[@]}" --hostname="$NAME" \
    </dev/null >"$DIR/console.log" 2>&1 &
  echo $! >"$DIR/nspawn.pid"
  replace_marked_block "$HOME/.ssh/known_hosts" "$NAME,$ip $(awk '{print $1" "$2}' "$STATE/systemd-host-key.pub")"
  local deadline=$((SECONDS + 60))
  until timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null && [ "$(in_host systemctl is-active firewalld 2>/dev/null)" = active ]; do
    [ $SECONDS -lt $deadline ] || die "$NAME did not come up with sshd and firewalld within 60 s; see $DIR/console.log"
    sleep 0.5
  done
  say "up: $NAME at $ip, systemd with firewalld active"
}


in_host() { local pid; pid=$(host_init_pid "$NS") || return 1; nsenter -t "$pid" -a -- "$@"; }

cmd_down() {
  local pid
  if [ -f "$DIR/nspawn.pid" ]; then
    pid=$(cat "$DIR/nspawn.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/nspawn.pid"
  fi
  mountpoint -q "$DIR/root" 2>/dev/null && umount "$DIR/root"
  ip link del "$VETH" 2>/dev/null || true
  [ -e "/run/netns/$NS" ] && ip netns del "$NS"
  rm -rf "$DIR/upper" "$DIR/work"
  replace_marked_block "$HOME/.ssh/known_hosts" ''
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
exec) shift; in_host "$@" ;;
*) die "usage: systemd-host.sh up|down|exec CMD…" ;;
esac
