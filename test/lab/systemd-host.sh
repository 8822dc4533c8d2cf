#!/bin/bash
# Lab hosts that boot real systemd, with firewalld active in its default zone, as on a fresh
# RHEL/CentOS server: LZY-S1 … LZY-SN at SUBNET.60 … on the lab's bridge, beside the light hosts,
# user admin with the lab's key, and sudo for admin allowing exactly what zkdeploy prints for the
# guide's step 8 and for `service: systemd` (SUDOERS below; a test may replace it on a host).
# A Debian bookworm root file system (mmdebstrap, about 40 s, cached in the lab's state) under an
# overlay per host, booted by systemd-nspawn into the host's own network namespace. The overlay
# lives as long as the host is up: `reboot` powers a host off and boots it again with its disk.
# Each lab (ZKLAB_ID, see common.sh) has its own; the root file system and host keys are shared.
# Usage: systemd-host.sh build | up [COUNT] | down | reboot HOST | exec HOST -- CMD…
# Needs root and a lab that is up (lab.sh up), except build (the root file system alone).
set -euo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$LAB_DIR/common.sh"
in_outer_mount_namespace "$0" "$@"
lab_identity
HOSTS_DIR=$STATE/systemd-hosts
ROOTFS=$BASE/rootfs
MAX_HOSTS=5
MARK_BEGIN="# BEGIN zkdeploy-lab$MARK_SUFFIX systemd host"
MARK_END="# END zkdeploy-lab$MARK_SUFFIX systemd host"
# What admin may run as root: the guide's step 8, and what `service: systemd` runs (the unit put in
# place from the install directory, reloaded, enabled, started, stopped; removed by uninstall).
UNIT=/etc/systemd/system/zookeeper.service
SUDOERS="admin ALL=(root) NOPASSWD: /usr/bin/systemctl stop firewalld, /usr/bin/systemctl disable firewalld, \
/usr/bin/install -m 0644 /home/admin/zookeeper/zookeeper.service $UNIT, /usr/bin/systemctl daemon-reload, \
/usr/bin/systemctl enable zookeeper.service, /usr/bin/systemctl disable zookeeper.service, \
/usr/bin/systemctl start zookeeper.service, /usr/bin/systemctl stop zookeeper.service, /usr/bin/rm -f $UNIT"

say() { printf 'systemd-host: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Once for every lab, whichever asks first; the others wait for it.
build_rootfs() {
  mkdir -p "$BASE"
  exec 9>"$BASE/.rootfs.lock"
  flock 9
  build_rootfs_locked
  exec 9>&-
}

build_rootfs_locked() {
  local key
  key=$(sed -n '/^build_rootfs_locked()/,/^}/p' "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
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
  echo "$key" >"$ROOTFS/.built"
}

host_name() { echo "LZY-S$1"; }
host_ip() { echo "$SUBNET.$((59 + $1))"; }
host_ns() { echo "${NS_PREFIX}lzys$1"; }
host_veth() { echo "${LINK_PREFIX}lzys$1"; }
host_dir() { echo "$HOSTS_DIR/s$1"; }
# LZY-S2 → 2; anything else is refused.
host_number() {
  [[ "$1" =~ ^LZY-S([1-9])$ ]] && [ "${BASH_REMATCH[1]}" -le "$MAX_HOSTS" ] || die "no systemd host $1 (LZY-S1 … LZY-S$MAX_HOSTS)"
  echo "${BASH_REMATCH[1]}"
}
up_hosts() { ls "$HOSTS_DIR" 2>/dev/null | sed -n 's/^s\([0-9]\)$/\1/p'; }

load_lab() {
  [ "$(id -u)" = 0 ] || die "needs root"
  [ -f "$STATE/up.env" ] || die "the lab is not up (lab.sh up)"
  # shellcheck source=/dev/null
  . "$STATE/up.env"
}

# The host's disk: the shared root file system under its own overlay, its identity written once.
make_disk() {
  local i=$1 dir name key
  dir=$(host_dir "$i")
  name=$(host_name "$i")
  key="$BASE/systemd-host-keys/$name"
  mkdir -p "$dir/upper" "$dir/work" "$dir/root" "$BASE/systemd-host-keys"
  mount -t overlay overlay -o "lowerdir=$ROOTFS/lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
  # One host key for good, so that root's known_hosts never sees it change; made once, whichever
  # lab asks first.
  (flock 7 && { [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$key"; }) 7>"$BASE/.systemd-host-keys.lock"
  install -m 600 "$key" "$dir/root/etc/ssh/ssh_host_ed25519_key"
  install -m 644 "$key.pub" "$dir/root/etc/ssh/ssh_host_ed25519_key.pub"
  echo "$name" >"$dir/root/etc/hostname"
  install -d -m 700 "$dir/root/home/admin/.ssh"
  cp "$BASE/keys/id_ed25519.pub" "$dir/root/home/admin/.ssh/authorized_keys"
  chroot "$dir/root" chown -R admin:admin /home/admin/.ssh
  printf '%s\n' "$SUDOERS" >"$dir/root/etc/sudoers.d/zkdeploy"
  chmod 440 "$dir/root/etc/sudoers.d/zkdeploy"
}

make_link() {
  local i=$1 ns veth
  ns=$(host_ns "$i")
  veth=$(host_veth "$i")
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$ns" addr add "$(host_ip "$i")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
}

boot() {
  local i=$1 dir
  dir=$(host_dir "$i")
  # CAP_NET_ADMIN: without it firewalld cannot load its nftables rules and exits at once. The JDK
  # is the machine's (its security config lives under /etc/java-*).
  local binds=(--bind-ro=/usr/lib/jvm)
  for d in /etc/java-*; do [ -d "$d" ] && binds+=("--bind-ro=$d"); done
  setsid systemd-nspawn --quiet -D "$dir/root" -b --register=no --keep-unit \
    --network-namespace-path="/run/netns/$(host_ns "$i")" \
    --capability=CAP_NET_ADMIN,CAP_NET_RAW "${binds[@]}" --hostname="$(host_name "$i")" \
    </dev/null >>"$dir/console.log" 2>&1 &
  echo $! >"$dir/nspawn.pid"
}

# Booted: sshd answers, systemd has finished starting what is enabled (firewalld on a fresh host),
# and logins are let in (no /run/nologin).
wait_booted() {
  local i=$1 ip deadline state=
  ip=$(host_ip "$i")
  deadline=$((SECONDS + 90))
  until timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null &&
    state=$(in_host "$i" systemctl is-system-running 2>/dev/null); [[ "$state" =~ ^(running|degraded)$ ]] &&
    ! in_host "$i" test -e /run/nologin; do
    [ $SECONDS -lt $deadline ] || die "$(host_name "$i") did not boot within 90 s (systemd: ${state:-?}); see $(host_dir "$i")/console.log"
    # Under nspawn without a registered scope, a unit at boot now and then fails to attach to its
    # cgroup ("Failed at step CGROUP"); systemd-user-sessions is the one whose failure keeps
    # /run/nologin, refusing every login. Started again, it runs.
    if [ "$state" = degraded ] && [ "$(in_host "$i" systemctl is-failed systemd-user-sessions 2>/dev/null)" = failed ]; then
      say "$(host_name "$i"): systemd-user-sessions failed at boot ($(in_host "$i" systemctl show -p Result --value systemd-user-sessions)); starting it again"
      in_host "$i" systemctl restart systemd-user-sessions || true
    fi
    sleep 0.5
  done
}

power_off() {
  local i=$1 pidfile pid
  pidfile="$(host_dir "$i")/nspawn.pid"
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

known_hosts_block() {
  local i
  for i in $(up_hosts); do
    echo "$(host_name "$i"),$(host_ip "$i") $(awk '{print $1" "$2}' "$BASE/systemd-host-keys/$(host_name "$i").pub")"
  done
}

cmd_up() {
  local count=${1:-1} i
  [[ "$count" =~ ^[1-9]$ ]] && [ "$count" -le "$MAX_HOSTS" ] || die "up: COUNT is 1 … $MAX_HOSTS"
  load_lab
  cmd_down 2>/dev/null || true
  build_rootfs
  for i in $(seq "$count"); do
    make_disk "$i"
    make_link "$i"
    boot "$i"
  done
  replace_marked_block "$ROOT_SSH/known_hosts" "$(known_hosts_block)"
  for i in $(seq "$count"); do
    wait_booted "$i"
    [ "$(in_host "$i" systemctl is-active firewalld)" = active ] || die "$(host_name "$i"): firewalld is not active after boot"
  done
  say "up: LZY-S1 … LZY-S$count at $(host_ip 1) …, systemd with firewalld active"
}

# Powered off (as `poweroff` would: systemd stops every unit) and booted again, its disk kept.
cmd_reboot() {
  local i
  i=$(host_number "${1:-}")
  load_lab
  [ -f "$(host_dir "$i")/nspawn.pid" ] || die "$(host_name "$i") is not up"
  power_off "$i"
  boot "$i"
  wait_booted "$i"
  say "rebooted: $(host_name "$i")"
}

in_host() { local i=$1 pid; shift; pid=$(host_init_pid "$(host_ns "$i")") || return 1; nsenter -t "$pid" -a -- "$@"; }

cmd_down() {
  local i dir ns
  for i in $(up_hosts); do
    dir=$(host_dir "$i")
    ns=$(host_ns "$i")
    power_off "$i"
    mountpoint -q "$dir/root" 2>/dev/null && umount "$dir/root"
    ip link del "$(host_veth "$i")" 2>/dev/null || true
    [ -e "/run/netns/$ns" ] && ip netns del "$ns"
    rm -rf "$dir"
  done
  # Left by the one-host version of this script (same namespace and link names as LZY-S1).
  if [ -d "$STATE/systemd-host" ]; then
    [ -f "$STATE/systemd-host/nspawn.pid" ] && kill -TERM "$(cat "$STATE/systemd-host/nspawn.pid")" 2>/dev/null && sleep 3
    mountpoint -q "$STATE/systemd-host/root" 2>/dev/null && umount "$STATE/systemd-host/root"
    ip link del zkl-lzys1 2>/dev/null || true
    [ -e /run/netns/lzys1 ] && ip netns del lzys1
    rm -rf "$STATE/systemd-host" "$STATE"/systemd-host-key*
  fi
  [ -f "$ROOT_SSH/known_hosts" ] && replace_marked_block "$ROOT_SSH/known_hosts" ''
  return 0
}

case "${1:-}" in
build) build_rootfs ;;
up) cmd_up "${2:-1}" ;;
down) cmd_down ;;
reboot) cmd_reboot "${2:-}" ;;
exec)
  [ "${3:-}" = -- ] || die "usage: systemd-host.sh exec HOST -- CMD…"
  n=$(host_number "$2")
  shift 3
  in_host "$n" "$@"
  ;;
*) die "usage: systemd-host.sh build | up [COUNT] | down | reboot HOST | exec HOST -- CMD…" ;;
esac
