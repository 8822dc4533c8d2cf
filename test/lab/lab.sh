#!/bin/bash
# zkdeploy's test lab: real sshd hosts LZY-01 … LZY-NN in network namespaces on this machine.
# Usage: lab.sh up|down [--purge]|down-all [--purge]|reset|status|exec HOST -- CMD…|run -- CMD…|slow|blackhole|fast|block HOST PORT|unblock|isolate on|off|env
# Settings (environment): ZKLAB_ID (0; 1…8 for more labs beside it, see common.sh), ZKLAB_HOSTS (5),
# ZKLAB_SUBNET (10.213.57 for lab 0, a /24 given by its first three octets), ZKLAB_STATE
# (/var/lib/zkdeploy-lab for lab 0, /var/lib/zkdeploy-lab-ID for the others). Needs root.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$LAB_DIR/common.sh"
in_outer_mount_namespace "$0" "$@"
lab_identity
MARK_BEGIN="# BEGIN zkdeploy-lab$MARK_SUFFIX"
MARK_END="# END zkdeploy-lab$MARK_SUFFIX"

say() { printf 'lab: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The settings of the lab that is up win over the environment, so that down/reset/status act on it.
load_settings() {
  HOSTS=${ZKLAB_HOSTS:-5}
  SUBNET=${ZKLAB_SUBNET:-$DEFAULT_SUBNET}
  if [ "${1:-}" != fresh ] && [ -f "$STATE/up.env" ]; then
    # shellcheck source=/dev/null
    . "$STATE/up.env"
  fi
  [[ $HOSTS =~ ^[0-9]+$ ]] && [ "$HOSTS" -ge 1 ] && [ "$HOSTS" -le 99 ] ||
    die "ZKLAB_HOSTS must be a number from 1 to 99, not '$HOSTS'"
  [[ $SUBNET =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
    die "ZKLAB_SUBNET must be three octets such as 10.213.57, not '$SUBNET'"
}

host_name() { printf 'LZY-%02d' "$1"; }
host_ns() { printf '%slzy%02d' "$NS_PREFIX" "$1"; }
host_ip() { printf '%s.%d' "$SUBNET" $((10 + $1)); }
host_veth() { printf '%slzy%02d' "$LINK_PREFIX" "$1"; }
host_dir() { printf '%s/hosts/lzy%02d' "$STATE" "$1"; }
# One host key per host name for every lab, so that the same name never shows two keys.
# LZY-03 → 3, for a host of this lab; anything else is refused.
host_number() {
  [[ "$1" =~ ^LZY-([0-9]{2})$ ]] && [ $((10#${BASH_REMATCH[1]})) -ge 1 ] && [ $((10#${BASH_REMATCH[1]})) -le "$HOSTS" ] ||
    die "no host $1 in lab $LAB_ID (LZY-01 … $(host_name "$HOSTS"))"
  echo $((10#${BASH_REMATCH[1]}))
}
host_key() { printf '%s/host-keys/lzy%02d_ed25519' "$BASE" "$1"; }


# Lab netns names, from the settings and from what is really there (a lab of another size).
lab_namespaces() {
  {
    for i in $(seq "$HOSTS"); do host_ns "$i"; echo; done
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${NS_PREFIX}lzy[0-9]{2}\$" || true
  } | sort -u
}


ensure_packages() {
  local missing=()
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v ssh >/dev/null || missing+=(openssh-client)
  command -v java >/dev/null && command -v javac >/dev/null || missing+=(default-jdk-headless)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v sudo >/dev/null || missing+=(sudo)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d added_policy=
  if [ ! -e "$policy" ]; then
    # The package must not start a system-wide sshd: the lab runs its own per host.
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -n "$added_policy" ] && rm -f "$policy"
  [ -x /usr/sbin/sshd ] || die "openssh-server did not install"
}

ensure_user() {
  if ! id admin >/dev/null 2>&1; then
    useradd -M -U -d /home/admin -s /bin/bash admin
  fi
  # '*' not '!': sshd refuses even key logins to a locked ('!') account.
  usermod -p '*' admin
  mkdir -p /home/admin /run/sshd
  chmod 755 /run/sshd
}

# A second user for password tests: it may log in with its password on LZY-02 only, and sudo only
# /bin/true as nobody, with that password. Both are undone by down.
PASSWORD_USER=zkpass
SUDOERS_FILE=/etc/sudoers.d/zkdeploy-lab
ensure_password_user() {
  if ! id "$PASSWORD_USER" >/dev/null 2>&1; then
    useradd -M -U -d "/home/$PASSWORD_USER" -s /bin/bash "$PASSWORD_USER"
    touch "$BASE/created-$PASSWORD_USER"
  fi
  mkdir -p "/home/$PASSWORD_USER"
  chown "$PASSWORD_USER:$PASSWORD_USER" "/home/$PASSWORD_USER"
  chmod 700 "/home/$PASSWORD_USER"
  if [ ! -s "$BASE/$PASSWORD_USER.password" ]; then
    (umask 077 && head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$BASE/$PASSWORD_USER.password")
  fi
  printf '%s:%s\n' "$PASSWORD_USER" "$(cat "$BASE/$PASSWORD_USER.password")" | chpasswd
  local rule="$PASSWORD_USER ALL=(nobody) /bin/true"
  if [ "$(cat "$SUDOERS_FILE" 2>/dev/null)" != "$rule" ]; then
    printf '%s\n' "$rule" >"$SUDOERS_FILE.tmp"
    chmod 440 "$SUDOERS_FILE.tmp"
    visudo -cqf "$SUDOERS_FILE.tmp" || die "the lab's sudoers rule is invalid"
    mv -f "$SUDOERS_FILE.tmp" "$SUDOERS_FILE"
  fi
}

# What a test grants zkpass in sudoers (the rule zkdeploy prints), checked by visudo; nothing for
# any other user. `sudoers grant` reads the lines on stdin; `sudoers revoke` removes them.
# One per lab (a reset of one lab must not take away what a test on another was granted).
GRANT_FILE=/etc/sudoers.d/zkdeploy-lab-grant${LAB_ID#0}
cmd_sudoers() {
  case "${1:-}" in
  grant)
    local lines
    lines=$(cat)
    if grep -qvE "^(Defaults:$PASSWORD_USER [a-z_!]+|$PASSWORD_USER ALL=.*)$" <<<"$lines"; then
      die "sudoers grant: only rules and Defaults for $PASSWORD_USER"
    fi
    printf '%s\n' "$lines" >"$GRANT_FILE.tmp"
    chmod 440 "$GRANT_FILE.tmp"
    visudo -cqf "$GRANT_FILE.tmp" || { rm -f "$GRANT_FILE.tmp"; die "sudoers grant: visudo refuses these lines"; }
    mv -f "$GRANT_FILE.tmp" "$GRANT_FILE"
    say "sudoers: granted $PASSWORD_USER $(wc -l <<<"$lines") line(s)"
    ;;
  revoke) rm -f "$GRANT_FILE" ;;
  *) die "usage: lab.sh sudoers grant|revoke" ;;
  esac
}

remove_password_user() {
  rm -f "$SUDOERS_FILE" /etc/sudoers.d/zkdeploy-lab-grant*
  if [ -f "$BASE/created-$PASSWORD_USER" ]; then
    pkill -KILL -u "$PASSWORD_USER" 2>/dev/null || true
    userdel "$PASSWORD_USER" 2>/dev/null || true
    rm -rf "/home/$PASSWORD_USER"
    rm -f "$BASE/created-$PASSWORD_USER"
  fi
}

ensure_key() { # path, type, extra ssh-keygen args…
  local path=$1 type=$2
  shift 2
  [ -s "$path" ] && [ -s "$path.pub" ] && return 0
  rm -f "$path" "$path.pub"
  ssh-keygen -q -N '' -t "$type" "$@" -C "zkdeploy-lab" -f "$path" </dev/null >/dev/null
}

# The client keys, in the shared state with the authorized_keys every lab starts from (each lab's
# sshd reads its own copy), and a copy in root's ~/.ssh where root has none of that type.
ensure_keys() {
  local machine_ssh=${HOME:-/root}/.ssh
  mkdir -p "$BASE/keys" "$BASE/authorized_keys" "$BASE/host-keys"
  chmod 700 "$BASE/keys" "$BASE/host-keys"
  ensure_key "$BASE/keys/id_ed25519" ed25519
  ensure_key "$BASE/keys/id_rsa" rsa -b 2048 -m PEM
  mkdir -p "$machine_ssh"
  chmod 700 "$machine_ssh"
  for t in ed25519 rsa; do
    if [ ! -e "$machine_ssh/id_$t" ]; then
      cp "$BASE/keys/id_$t" "$machine_ssh/id_$t"
      cp "$BASE/keys/id_$t.pub" "$machine_ssh/id_$t.pub"
      echo "$machine_ssh/id_$t" >>"$BASE/copied-keys"
    fi
  done
  # Root's own keys are authorized too, so OpenSSH's defaults work whatever keys root already has.
  # Replaced whole (a rename), never truncated: another lab's sshd may be reading it.
  {
    cat "$BASE/keys/id_ed25519.pub" "$BASE/keys/id_rsa.pub"
    for t in ed25519 ecdsa rsa; do
      if [ -f "$machine_ssh/id_$t.pub" ]; then cat "$machine_ssh/id_$t.pub"; fi
    done
  } | sort -u >"$BASE/keys/authorized_keys.tmp"
  chmod 644 "$BASE/keys/authorized_keys.tmp"
  mv -f "$BASE/keys/authorized_keys.tmp" "$BASE/keys/authorized_keys"
}

# Each lab has an authorized_keys of its own (a test adds a key to it for a while; another lab's up
# must not take it away), replaced only when the shared one says otherwise. A lab other than 0 sees
# the shared keys, tarballs and password at the places tests look for them in its state.
link_shared_state() {
  mkdir -p "$STATE/authorized_keys"
  if ! cmp -s "$BASE/keys/authorized_keys" "$STATE/authorized_keys/admin"; then
    cp "$BASE/keys/authorized_keys" "$STATE/authorized_keys/admin.tmp"
    mv -f "$STATE/authorized_keys/admin.tmp" "$STATE/authorized_keys/admin"
  fi
  [ "$STATE" = "$BASE" ] && return 0
  local name
  for name in keys tarballs "$PASSWORD_USER.password"; do
    [ -L "$STATE/$name" ] || { rm -rf "${STATE:?}/$name"; ln -s "$BASE/$name" "$STATE/$name"; }
  done
}

seed_home() { # a fresh home, as useradd -m and a CentOS-like ~/.bash_profile would leave it
  local home=$1
  find "$home" -mindepth 1 -delete
  cp -a /etc/skel/. "$home/" 2>/dev/null || true
  cat >"$home/.bash_profile" <<'PROFILE'
# .bash_profile

# Get the aliases and functions
if [ -f ~/.bashrc ]; then
	. ~/.bashrc
fi

# User specific environment and startup programs
PROFILE
  chown -R admin:admin "$home"
  chmod 700 "$home"
}

# The JVM flags every lab host's sessions pass to ZooKeeper's scripts, as an operator's own
# environment would (zkServer.sh adds $SERVER_JVMFLAGS, and zkdeploy's java.env keeps it): C1 alone,
# the serial collector, no perf-data file. A server's start then costs about 0.55 CPU-s instead of
# 0.87 on this machine (measured), and a test run restarts hundreds; what ZooKeeper does is the same.
# ZKLAB_SERVER_JVMFLAGS='' leaves the JVM's defaults.
SERVER_JVMFLAGS_SET=${ZKLAB_SERVER_JVMFLAGS-"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"}

write_sshd_config() { # dir, name, listen address, host key, password login for PASSWORD_USER (yes|no)
  local dir=$1 name=$2 ip=$3 host_key=$4 passwords=${5:-no}
  cat >"$dir/sshd_config" <<CONF
# sshd of lab host $name, written by zkdeploy's lab
ListenAddress $ip
Port 22
HostKey $host_key
PidFile none
UsePAM no
AllowUsers admin $PASSWORD_USER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys $STATE/authorized_keys/%u
X11Forwarding no
MaxStartups 100:30:200
MaxSessions 50
# Lets a test give a session RHEL's login environment (~/.ssh/environment: BASH_ENV setting umask 002).
PermitUserEnvironment yes
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
  if [ -n "$SERVER_JVMFLAGS_SET" ]; then
    printf '# ZooKeeper servers JIT with C1 alone: their start costs a third less CPU (SERVER_JVMFLAGS_SET above).\nSetEnv SERVER_JVMFLAGS="%s"\n' "$SERVER_JVMFLAGS_SET" >>"$dir/sshd_config"
  fi
  if [ "$passwords" = yes ]; then
    printf 'Match User %s\n  PasswordAuthentication yes\n' "$PASSWORD_USER" >>"$dir/sshd_config"
  fi
}

write_host_files() { # i
  local i=$1 dir ip
  dir=$(host_dir "$i")
  ip=$(host_ip "$i")
  mkdir -p "$dir/home" "$dir/tmp" "$dir/vartmp"
  chmod 1777 "$dir/tmp" "$dir/vartmp"
  [ -f "$dir/home/.bash_profile" ] || seed_home "$dir/home"
  ensure_key "$(host_key "$i")" ed25519
  write_sshd_config "$dir" "$(host_name "$i")" "$ip" "$(host_key "$i")" "$([ "$i" = 2 ] && echo yes || echo no)"
  sshd -t -f "$dir/sshd_config" || die "sshd_config of $(host_name "$i") is invalid"
}

ensure_bridge() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr replace "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # With the bridge gone, traffic to the lab subnet is refused here instead of routed away.
  ip route replace unreachable "$SUBNET.0/24" metric 4000
}

ensure_netns() { # i
  local i=$1 ns veth ip
  ns=$(host_ns "$i")
  veth=$(host_veth "$i")
  ip=$(host_ip "$i")
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
    ip link del "$veth" 2>/dev/null || true
    ip link add "$veth" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$ns" addr flush dev eth0
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$ns" link set eth0 up
  # zkServer.sh status and srvr probes talk to localhost: a new netns has lo down.
  ip -n "$ns" link set lo up
}

# A connect alone proves nothing here (off-machine connects can be intercepted): read sshd's banner.
sshd_answers() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$1/22 && head -c 8 <&3" 2>/dev/null | grep -q '^SSH-2.0-'
}

kill_netns_processes() { # ns: init first (it stops its host cleanly), then whatever is left
  local ns=$1 init pid
  if init=$(host_init_pid "$ns"); then
    kill -TERM "$init" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$init" 2>/dev/null || break; sleep 0.05; done
  fi
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
}

start_host() { # i
  local i=$1 ns dir
  ns=$(host_ns "$i")
  dir=$(host_dir "$i")
  if host_init_pid "$ns" >/dev/null && sshd_answers "$(host_ip "$i")"; then
    return 0
  fi
  kill_netns_processes "$ns"
  setsid nsenter --net="/run/netns/$ns" -- \
    unshare --pid --fork --mount-proc --mount --uts --ipc --propagation private -- \
    /bin/bash "$LAB_DIR/host-init.sh" "$(host_name "$i")" "$dir" "$dir/sshd_config" "$HOSTS_FILE" \
    </dev/null >>"$dir/init.log" 2>&1 8>&- &
}

wait_for_sshd() {
  local i ip deadline=$((SECONDS + 15))
  for i in $(seq "$HOSTS"); do
    ip=$(host_ip "$i")
    until sshd_answers "$ip"; do
      [ $SECONDS -lt $deadline ] || die "sshd of $(host_name "$i") ($ip) does not answer; see $(host_dir "$i")/sshd.log"
      sleep 0.05
    done
  done
}

# A lab other than 0: its own copy of root's ~/.ssh (keys, config) and of /etc/hosts, without lab 0's
# blocks, for `lab.sh run` and its hosts to see in place of the machine's.
seed_own_views() {
  [ "$LAB_ID" = 0 ] && return 0
  local machine_ssh=${HOME:-/root}/.ssh lab0_begin='# BEGIN zkdeploy-lab' lab0_end='# END zkdeploy-lab'
  without_lab0() { awk -v b="$lab0_begin" -v e="$lab0_end" 'index($0,b)==1{skip=1;next} index($0,e)==1{skip=0;next} !skip' "$1"; }
  mkdir -p "$ROOT_SSH"
  chmod 700 "$ROOT_SSH"
  if [ ! "$machine_ssh" -ef "$ROOT_SSH" ]; then
    find "$machine_ssh" -maxdepth 1 -type f ! -name known_hosts -exec cp -p {} "$ROOT_SSH/" \;
    if [ ! -f "$ROOT_SSH/known_hosts" ] && [ -f "$machine_ssh/known_hosts" ]; then
      without_lab0 "$machine_ssh/known_hosts" >"$ROOT_SSH/known_hosts"
    fi
  fi
  # Kept as one inode: it is bound over /etc/hosts in hosts and runs that are up.
  [ -f "$HOSTS_FILE" ] || without_lab0 /etc/hosts >"$HOSTS_FILE"
  chmod 644 "$HOSTS_FILE"
}

write_client_files() {
  local i hosts_block='' known='' pub
  for i in $(seq "$HOSTS"); do
    pub=$(awk '{print $1" "$2}' "$(host_key "$i").pub")
    hosts_block+="$(host_ip "$i") $(host_name "$i")"$'\n'
    known+="$(host_name "$i"),$(host_ip "$i") $pub"$'\n'
  done
  printf '%s' "$known" >"$STATE/known_hosts"
  seed_own_views
  replace_marked_block "$HOSTS_FILE" "${hosts_block%$'\n'}"
  replace_marked_block "$ROOT_SSH/known_hosts" "${known%$'\n'}"
  chmod 644 "$ROOT_SSH/known_hosts"
  cat >"$STATE/ssh_config" <<CONF
# ssh -F $STATE/ssh_config LZY-01
Host LZY-*
  User admin
  IdentityFile $BASE/keys/id_ed25519
  UserKnownHostsFile $STATE/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
CONF
}

# The kernel's ARP table is one for every network namespace: each lab host learns every other, so
# 50 hosts need about 2,500 entries, beyond Linux's default ceiling of 1,024 (gc_thresh3). Past it,
# "neighbor table overflow": packets between hosts are dropped and connections time out. Raised
# for a large lab, the machine's own values kept to be put back by down.
NEIGH=/proc/sys/net/ipv4/neigh/default
ensure_neighbour_room() {
  local need=$((HOSTS * (HOSTS + 2) + 256)) level
  [ "$(cat "$NEIGH/gc_thresh3")" -ge "$need" ] && return 0
  [ -f "$BASE/neigh.saved" ] || for level in 1 2 3; do
    printf '%s %s\n' "$level" "$(cat "$NEIGH/gc_thresh$level")"
  done >"$BASE/neigh.saved"
  echo $((need / 4)) >"$NEIGH/gc_thresh1"
  echo $((need / 2)) >"$NEIGH/gc_thresh2"
  echo "$need" >"$NEIGH/gc_thresh3"
  say "ARP table room raised to $need entries for $HOSTS hosts (down puts back the machine's values)"
}

restore_neighbour_room() {
  [ -f "$BASE/neigh.saved" ] || return 0
  local level value
  while read -r level value; do echo "$value" >"$NEIGH/gc_thresh$level"; done <"$BASE/neigh.saved"
  rm -f "$BASE/neigh.saved"
}

# Another lab is up on this machine (what all labs share stays while one is).
other_lab_up() {
  local dir
  for dir in $(lab_state_dirs); do
    [ "$dir" != "$STATE" ] && [ -f "$dir/up.env" ] && return 0
  done
  return 1
}

# One up or down at a time on the machine: labs share packages, users, keys and tarballs. fd 8 is
# closed for the hosts up starts (they outlive it); up's own down inside takes nothing more.
take_machine_lock() {
  [ -n "${MACHINE_LOCK_HELD:-}" ] && return 0
  mkdir -p "$BASE"
  exec 8>"$BASE/.up.lock"
  flock 8
  MACHINE_LOCK_HELD=1
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "the lab needs root (sudo)"
  take_machine_lock
  load_settings fresh
  # Hosts the single-lab scripts started serve their old per-host key, which known_hosts no longer
  # lists: taken down and started again with the shared one.
  if compgen -G "$STATE/hosts/lzy*/ssh_host_ed25519_key" >/dev/null; then
    say "hosts from an older lab layout: taking them down first"
    cmd_down
    rm -f "$STATE"/hosts/lzy*/ssh_host_ed25519_key*
    load_settings fresh
  fi
  if [ -f "$STATE/up.env" ]; then
    local want_hosts=$HOSTS want_subnet=$SUBNET
    load_settings
    if [ "$HOSTS" != "$want_hosts" ] || [ "$SUBNET" != "$want_subnet" ]; then
      say "lab is up with $HOSTS hosts on $SUBNET.0/24; taking it down to build $want_hosts on $want_subnet.0/24"
      cmd_down
      HOSTS=$want_hosts SUBNET=$want_subnet
    fi
  fi
  [ -e "/run/netns/$BASTION_NS" ] && isolate_off
  ensure_bridge
  ensure_packages
  ensure_user
  mkdir -p "$STATE"
  chmod 755 "$BASE" "$STATE"
  printf 'HOSTS=%s\nSUBNET=%s\n' "$HOSTS" "$SUBNET" >"$STATE/up.env"
  ensure_neighbour_room
  ensure_keys
  ensure_password_user
  bash "$LAB_DIR/build-tarballs.sh" "$BASE/tarballs"
  bash "$LAB_DIR/build-zk349.sh" "$LAB_DIR/vendor/zookeeper-3.4.9-src.tar.gz" "$BASE/tarballs"
  link_shared_state
  local i
  for i in $(seq "$HOSTS"); do write_host_files "$i"; done
  # Before the hosts start: a lab other than 0 binds its /etc/hosts into each.
  write_client_files
  for i in $(seq "$HOSTS"); do
    ensure_netns "$i"
    start_host "$i"
  done
  wait_for_sshd
  say "up: lab $LAB_ID, $HOSTS hosts LZY-01…$(host_name "$HOSTS") on $SUBNET.0/24; tarballs in $BASE/tarballs"
}

cmd_down() {
  [ "$(id -u)" = 0 ] || die "the lab needs root (sudo)"
  take_machine_lock
  load_settings
  isolate_off >/dev/null 2>&1
  # A systemd host a test left booted (test/e2e/firewalld.test.ts brings it up and down itself).
  ZKLAB_STATE=$STATE bash "$LAB_DIR/systemd-host.sh" down >/dev/null 2>&1 || true
  local ns i
  for ns in $(lab_namespaces); do
    kill_netns_processes "$ns"
    ip link del "$LINK_PREFIX${ns#"$NS_PREFIX"}" 2>/dev/null || true
    [ -e "/run/netns/$ns" ] && ip netns del "$ns"
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  [ -f "$HOSTS_FILE" ] && replace_marked_block "$HOSTS_FILE" ''
  [ -f "$ROOT_SSH/known_hosts" ] && replace_marked_block "$ROOT_SSH/known_hosts" ''
  rm -f "$STATE/up.env"
  if ! other_lab_up; then
    remove_password_user
    restore_neighbour_room
  fi
  if [ "${1:-}" = --purge ]; then
    ip route del unreachable "$SUBNET.0/24" metric 4000 2>/dev/null || true
    ip route del unreachable "$(bastion_subnet).0/24" metric 4000 2>/dev/null || true
    if [ "$STATE" != "$BASE" ]; then
      rm -rf "$STATE"
    elif ! other_lab_up; then
      for i in $(seq 8); do [ -d "$BASE-$i" ] && die "down --purge: lab $i's state $BASE-$i is still there (lab.sh down-all --purge)"; done
      if [ -f "$BASE/copied-keys" ]; then
        local key
        while read -r key; do
          # Only the lab's own copy goes; a key root has since replaced stays.
          if cmp -s "$key" "$BASE/keys/$(basename "$key")"; then rm -f "$key" "$key.pub"; fi
        done <"$BASE/copied-keys"
      fi
      rm -rf "$BASE"
    fi
    say "down, lab $LAB_ID, state purged"
  else
    say "down, lab $LAB_ID"
  fi
}

# Every lab on this machine down (the others first: lab 0 holds what they share), whatever is up.
cmd_down_all() {
  [ "$(id -u)" = 0 ] || die "the lab needs root (sudo)"
  local id
  for id in 8 7 6 5 4 3 2 1 0; do
    if [ "$id" = 0 ] || [ -d "$BASE-$id" ] || ip netns list 2>/dev/null | grep -q "^zk$id-" ||
      ip link show "zkl${id}br0" >/dev/null 2>&1; then
      ZKLAB_ID=$id ZKLAB_STATE='' ZKLAB_HOSTS='' ZKLAB_SUBNET='' ZKLAB_BASTION_SUBNET='' \
        bash "$LAB_DIR/lab.sh" down "$@"
    fi
  done
}

# The host init's own children: its sshd daemon and the `sleep 1` of its loop (not a daemon a test
# left behind, which is reparented to the init too).
init_own_children() {
  # sshd retitles itself "sshd: /usr/sbin/sshd -D -f … [listener] …".
  ps -o pid=,args= --ppid "$1" | awk '/sshd.* -D -f / || ($2 == "sleep" && $3 == "1" && NF == 3) {print $1}' | tr '\n' ' '
}

# How many mounts stack on /etc/hosts in a host (its init's view), and how many the lab made.
etc_hosts_mounts() { awk '$5 == "/etc/hosts"' "/proc/$1/mountinfo" | wc -l; }
own_etc_hosts_mounts() { echo $(($(etc_hosts_mounts 1) + (LAB_ID > 0 ? 1 : 0))); }

# Return every host to the state `up` left it in, whatever a test did there, or fail loudly:
# every process but the host's init, its sshd daemon and the init's sleep (ZooKeeper, sessions, root's
# own, port squatters), mounts a test added inside the host, a slowed or blackholed link, routes a
# test added, the sudoers grant; then a fresh home, /tmp and /var/tmp.
cmd_reset() {
  load_settings
  local i ns init dir pid keep leftover point
  for i in $(seq "$HOSTS"); do
    ns=$(host_ns "$i")
    init=$(host_init_pid "$ns") || die "reset: $(host_name "$i") is not running (run: lab.sh up)"
    keep=" $init $(init_own_children "$init") "
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      [[ "$keep" == *" $pid "* ]] || kill -KILL "$pid" 2>/dev/null || true
    done
    # Mounts inside the host that neither the machine nor the host's init made (bind mounts, tmpfs).
    # /etc/hosts: the lab's own (labs other than 0) stays, one a test stacked on it goes.
    while [ "$(etc_hosts_mounts "$init")" -gt "$(own_etc_hosts_mounts)" ]; do
      nsenter -t "$init" -m -p -- umount -l /etc/hosts 2>/dev/null || break
    done
    for point in $(awk '{print $5}' "/proc/$init/mountinfo" | tac); do
      # /run/netns/*: the machine's namespace handles, copied in when the host was made (another lab
      # adds and deletes its own at any moment): never a test's, and host-init drops them.
      case "$point" in /home/admin | /tmp | /var/tmp | /usr/share/java | /etc/hosts | /run/netns | /run/netns/*) continue ;; esac
      grep -qx -- "$point" <(awk '{print $5}' /proc/1/mountinfo) || nsenter -t "$init" -m -p -- umount -l "$point" 2>/dev/null || true
    done
    tc qdisc del dev "$(host_veth "$i")" root 2>/dev/null || true
    ip -n "$ns" route show type blackhole 2>/dev/null | while read -r _ target _; do
      ip -n "$ns" route del blackhole "$target" 2>/dev/null || true
    done
  done
  rm -f "$GRANT_FILE"
  # What was killed is gone before the homes are replaced under it; what survives is named.
  for i in $(seq "$HOSTS"); do
    ns=$(host_ns "$i")
    init=$(host_init_pid "$ns")
    for _ in $(seq 40); do
      keep=" $init $(init_own_children "$init") "
      leftover=$(for pid in $(ip netns pids "$ns"); do [[ "$keep" == *" $pid "* ]] || echo "$pid"; done)
      [ -z "$leftover" ] && break
      sleep 0.05
    done
    [ -z "$leftover" ] || die "reset: $(host_name "$i"): processes survive: $(ps -o pid=,user=,args= -p "$(echo $leftover | tr ' ' ,)" 2>/dev/null | tr '\n' ';')"
    leftover=$(awk '{print $5}' "/proc/$init/mountinfo" | grep -vxF -f <(awk '{print $5}' /proc/1/mountinfo) | grep -vxE '/home/admin|/tmp|/var/tmp|/usr/share/java|/etc/hosts|/run/netns(/.*)?' || true)
    [ "$(etc_hosts_mounts "$init")" -le "$(own_etc_hosts_mounts)" ] || leftover+=" /etc/hosts"
    [ -z "$leftover" ] || die "reset: $(host_name "$i"): mounts survive: $leftover"
  done
  for i in $(seq "$HOSTS"); do
    dir=$(host_dir "$i")
    seed_home "$dir/home"
    find "$dir/tmp" "$dir/vartmp" -mindepth 1 -delete || die "reset: cannot empty $(host_name "$i")'s /tmp"
  done
  say "reset: $HOSTS hosts as up left them: only init and sshd run, no added mounts, routes or link limits, homes fresh"
}

srvr_mode() { # ns → mode line of srvr on localhost:2181, or "-"
  local out
  out=$(nsenter --net="/run/netns/$1" timeout 1 bash -c \
    'exec 3<>/dev/tcp/127.0.0.1/2181 && printf srvr >&3 && cat <&3' 2>/dev/null) || true
  out=$(sed -n 's/^Mode: //p' <<<"$out")
  echo "${out:--}"
}

cmd_status() {
  load_settings
  local i ns init sshd jvm rss pid
  [ -f "$STATE/up.env" ] || { say "down"; return 1; }
  local healthy=0
  for i in $(seq "$HOSTS"); do
    ns=$(host_ns "$i")
    init=$(host_init_pid "$ns" || echo -)
    # Asked from inside the host's own network: isolated hosts cannot be reached from here.
    if ip netns exec "$ns" bash -c "$(declare -f sshd_answers); sshd_answers $(host_ip "$i")"; then sshd=up; else sshd=down; fi
    jvm=- rss=-
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q QuorumPeerMain; then
        jvm=$pid
        rss=$(awk '/^VmRSS:/ { printf "%d MiB", $2 / 1024 }' "/proc/$pid/status")
      fi
    done
    [ "$sshd" = up ] && healthy=$((healthy + 1))
    printf '%-7s %-15s init %-7s sshd %-4s zookeeper %-7s rss %-8s mode %s\n' \
      "$(host_name "$i")" "$(host_ip "$i")" "$init" "$sshd" "$jvm" "$rss" "$(srvr_mode "$ns")"
  done
  [ -e "/run/netns/$BASTION_NS" ] && printf 'isolated: reachable only through the bastion, admin@%s\n' "$(bastion_ip)"
  [ "$healthy" = "$HOSTS" ]
}

# Run a command as root inside a host's namespaces (mounts and all): lab.sh exec LZY-02 -- cmd…
cmd_exec() {
  load_settings
  local host=${1:?host name} init
  shift
  [ "${1:-}" = -- ] && shift
  init=$(host_init_pid "$(host_ns "$(host_number "$host")")") || die "host $host is not running"
  exec nsenter -t "$init" -n -m -u -i -p -- "$@"
}

# Slow one host's link (a token bucket on its bridge-side veth) so an upload lasts seconds:
# lab.sh slow LZY-03 4mbit. tbf, not netem: sch_netem is missing from some kernels (this VM's).
cmd_slow() {
  load_settings
  local host=${1:?host name} rate=${2:-2mbit}
  tc qdisc replace dev "$(host_veth "$(host_number "$host")")" root tbf rate "$rate" burst 32kbit latency 400ms
}

# lab.sh blackhole LZY-03: every packet to the host dropped, silently (a burst smaller than any packet;
# netem is missing here): connections to it hang, as to a host whose network died. fast undoes it.
cmd_blackhole() {
  load_settings
  local host=${1:?host name}
  tc qdisc replace dev "$(host_veth "$(host_number "$host")")" root tbf rate 1kbit burst 10 limit 10
}

# lab.sh block LZY-04 3888: TCP to that port of the host dropped on its way in, silently, as a
# firewall there would (filtered), from every other host; unblock (or fast) undoes it. Built from
# what every kernel here has: an htb class whose queue drops everything, chosen by a u32 match
# (no tc actions, no netem, no nftables on this VM's kernel). It replaces a slow or blackholed link.
cmd_block() {
  load_settings
  local host=${1:?host name} port=${2:?port}
  [[ $port =~ ^[0-9]+$ ]] || die "block: port must be a number, not '$port'"
  local dev="$(host_veth "$(host_number "$host")")"
  if ! tc qdisc show dev "$dev" | grep -q '^qdisc htb 1:'; then
    tc qdisc replace dev "$dev" root handle 1: htb default 10
    tc class add dev "$dev" parent 1: classid 1:10 htb rate 10gbit 2>/dev/null
    tc class add dev "$dev" parent 1: classid 1:20 htb rate 8bit ceil 8bit 2>/dev/null
    tc qdisc add dev "$dev" parent 1:20 handle 20: tbf rate 1kbit burst 10 limit 10
  fi
  tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 \
    match ip protocol 6 0xff match ip dport "$port" 0xffff flowid 1:20
}

cmd_unblock() { cmd_fast "$@"; }

cmd_fast() {
  load_settings
  local host=${1:?host name}
  tc qdisc del dev "$(host_veth "$(host_number "$host")")" root 2>/dev/null || true
}

# Isolation: the hosts' links move to a second bridge that has no address here, so this machine
# cannot reach them; a bastion host, on both bridges, is the only way in (ProxyJump tests).
BASTION_NS=${NS_PREFIX}lzybastion
bastion_subnet() { printf '%s' "${ZKLAB_BASTION_SUBNET:-$DEFAULT_BASTION_SUBNET}"; }
bastion_ip() { printf '%s.9' "$(bastion_subnet)"; }

cmd_isolate() {
  [ "$(id -u)" = 0 ] || die "the lab needs root (sudo)"
  load_settings
  [ -f "$STATE/up.env" ] || die "the lab is not up (lab.sh up)"
  case "${1:-}" in
  on) isolate_on ;;
  off) isolate_off ;;
  *) die "usage: lab.sh isolate on|off" ;;
  esac
}

isolate_on() {
  local dir="$STATE/hosts/bastion" i
  ip link show "$BRIDGE_INNER" >/dev/null 2>&1 || ip link add "$BRIDGE_INNER" type bridge
  ip link set "$BRIDGE_INNER" up
  ip addr replace "$(bastion_subnet).1/24" dev "$BRIDGE"
  ip route replace unreachable "$(bastion_subnet).0/24" metric 4000
  for i in $(seq "$HOSTS"); do ip link set "$(host_veth "$i")" master "$BRIDGE_INNER"; done
  [ -e "/run/netns/$BASTION_NS" ] || ip netns add "$BASTION_NS"
  if ! ip -n "$BASTION_NS" link show eth0 >/dev/null 2>&1; then
    ip link add "${LINK_PREFIX}bast0" type veth peer name eth0 netns "$BASTION_NS"
    ip link add "${LINK_PREFIX}bast1" type veth peer name eth1 netns "$BASTION_NS"
  fi
  ip link set "${LINK_PREFIX}bast0" master "$BRIDGE" up
  ip link set "${LINK_PREFIX}bast1" master "$BRIDGE_INNER" up
  ip -n "$BASTION_NS" addr replace "$(bastion_ip)/24" dev eth0
  ip -n "$BASTION_NS" addr replace "$SUBNET.9/24" dev eth1
  ip -n "$BASTION_NS" link set eth0 up
  ip -n "$BASTION_NS" link set eth1 up
  ip -n "$BASTION_NS" link set lo up
  mkdir -p "$dir/home" "$dir/tmp" "$dir/vartmp"
  chmod 1777 "$dir/tmp" "$dir/vartmp"
  [ -f "$dir/home/.bash_profile" ] || seed_home "$dir/home"
  ensure_key "$dir/ssh_host_ed25519_key" ed25519
  write_sshd_config "$dir" bastion "$(bastion_ip)" "$dir/ssh_host_ed25519_key"
  if ! { host_init_pid "$BASTION_NS" >/dev/null && sshd_answers "$(bastion_ip)"; }; then
    kill_netns_processes "$BASTION_NS"
    setsid nsenter --net="/run/netns/$BASTION_NS" -- \
      unshare --pid --fork --mount-proc --mount --uts --ipc --propagation private -- \
      /bin/bash "$LAB_DIR/host-init.sh" bastion "$dir" "$dir/sshd_config" "$HOSTS_FILE" </dev/null >>"$dir/init.log" 2>&1 8>&- &
  fi
  local deadline=$((SECONDS + 15))
  until sshd_answers "$(bastion_ip)"; do
    [ $SECONDS -lt $deadline ] || die "sshd of the bastion ($(bastion_ip)) does not answer; see $dir/sshd.log"
    sleep 0.05
  done
  # The bastion's key in a file of its own: clients name it with UserKnownHostsFile.
  printf 'bastion,%s %s\n' "$(bastion_ip)" "$(awk '{print $1" "$2}' "$dir/ssh_host_ed25519_key.pub")" >"$STATE/bastion_known_hosts"
  say "isolated: hosts only through the bastion, admin@$(bastion_ip) (known_hosts: $STATE/bastion_known_hosts)"
}

isolate_off() {
  local i
  for i in $(seq "$HOSTS"); do
    ip link show "$(host_veth "$i")" >/dev/null 2>&1 && ip link set "$(host_veth "$i")" master "$BRIDGE"
  done
  if [ -e "/run/netns/$BASTION_NS" ]; then
    kill_netns_processes "$BASTION_NS"
    ip link del "${LINK_PREFIX}bast0" 2>/dev/null || true
    ip link del "${LINK_PREFIX}bast1" 2>/dev/null || true
    ip netns del "$BASTION_NS"
  fi
  ip link del "$BRIDGE_INNER" 2>/dev/null || true
  ip addr del "$(bastion_subnet).1/24" dev "$BRIDGE" 2>/dev/null || true
  rm -f "$STATE/bastion_known_hosts"
  say "not isolated: hosts reachable directly"
}

cmd_env() {
  load_settings
  printf 'ZKLAB_ID=%s\nZKLAB_STATE=%s\nZKLAB_HOSTS=%s\nZKLAB_SUBNET=%s\nZKLAB_BASTION_SUBNET=%s\n' \
    "$LAB_ID" "$STATE" "$HOSTS" "$SUBNET" "$(bastion_subnet)"
}

# Runs a command as this lab's client: with its settings in the environment (lab.sh env) and, for a
# lab other than 0, in a mount namespace of its own where /etc/hosts and root's ~/.ssh are the lab's
# (the same host names as lab 0's, at this lab's addresses and with its known_hosts) and
# ~/.zkdeploy is its own (zkdeploy's locks and memory never meet another lab's run). Lab scripts
# run from inside go back to this shell's mount namespace (in_outer_mount_namespace).
cmd_run() {
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "usage: lab.sh run -- CMD…"
  load_settings
  [ -f "$STATE/up.env" ] || die "lab $LAB_ID is not up (ZKLAB_ID=$LAB_ID lab.sh up)"
  local name value
  while IFS='=' read -r name value; do export "$name=$value"; done < <(cmd_env)
  if [ "$LAB_ID" = 0 ]; then exec "$@"; fi
  local home=${HOME:-/root}
  mkdir -p "$home/.ssh" "$home/.zkdeploy" "$STATE/root-zkdeploy"
  chmod 700 "$STATE/root-zkdeploy"
  # Not exec: this shell's mount namespace must outlive the command, which names it.
  ZKLAB_OUTER_MNT=/proc/$$/ns/mnt unshare --mount --propagation private -- bash -c '
    mount --bind "$1" /etc/hosts && mount --bind "$2" "$3/.ssh" && mount --bind "$4" "$3/.zkdeploy" || exit 1
    # The names must lead to this lab, never to lab 0 (a name cache such as nscd would read the
    # machine'"'"'s /etc/hosts): checked before anything runs.
    case "$(getent hosts LZY-01)" in "$5".*) ;; *) echo "lab: LZY-01 does not resolve into $5.0/24 here: $(getent hosts LZY-01)" >&2; exit 1 ;; esac
    shift 5
    exec "$@"' _ "$HOSTS_FILE" "$ROOT_SSH" "$home" "$STATE/root-zkdeploy" "$SUBNET" "$@"
}

case "${1:-}" in
up) cmd_up ;;
down) shift; cmd_down "$@" ;;
down-all) shift; cmd_down_all "$@" ;;
run) shift; cmd_run "$@" ;;
reset) cmd_reset ;;
status) cmd_status ;;
exec) shift; cmd_exec "$@" ;;
slow) shift; cmd_slow "$@" ;;
block) shift; cmd_block "$@" ;;
unblock) shift; cmd_unblock "$@" ;;
fast) shift; cmd_fast "$@" ;;
blackhole) shift; cmd_blackhole "$@" ;;
isolate) shift; cmd_isolate "$@" ;;
sudoers) shift; cmd_sudoers "$@" ;;
env) cmd_env ;;
*)
  echo "usage: lab.sh up | down [--purge] | down-all [--purge] | run -- CMD… | reset | status | exec HOST -- CMD… | slow HOST [RATE] | fast HOST | blackhole HOST | isolate on|off | sudoers grant|revoke | env" >&2
  exit 64
  ;;
esac
