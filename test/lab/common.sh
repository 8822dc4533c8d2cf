#!/bin/bash
# Shell functions the lab's scripts share (sourced by lab.sh and systemd-host.sh).

# A lab host's init: the process in its network namespace whose innermost PID is 1.
host_init_pid() {
  local ns=$1 pid
  for pid in $(ip netns pids "$ns" 2>/dev/null); do
    if awk '/^NSpid:/ { exit ($NF == 1 ? 0 : 1) }' "/proc/$pid/status" 2>/dev/null; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# Replaces this script's marked block (between its own $MARK_BEGIN and $MARK_END lines) in a file.
replace_marked_block() { # file, block content (may be empty); keeps the file's inode
  local file=$1 block=$2 tmp
  tmp=$(mktemp)
  if [ -f "$file" ]; then
    awk -v b="$MARK_BEGIN" -v e="$MARK_END" '$0==b{skip=1;next} $0==e{skip=0;next} !skip' "$file" >"$tmp"
  fi
  if [ -n "$block" ]; then
    printf '%s\n%s\n%s\n' "$MARK_BEGIN" "$block" "$MARK_END" >>"$tmp"
  fi
  if [ -f "$file" ] || [ -n "$block" ]; then
    cat "$tmp" >"$file"
  fi
  rm -f "$tmp"
}

# Which lab: ZKLAB_ID 0 (the default: the one `npm run demo` brings up and a person uses from any
# shell) or 1…8, further labs beside it on the same machine for a parallel test run. Every name a
# lab takes on the machine (state dir, bridges, subnets, namespaces, links, marked blocks) derives
# from it, so labs never meet. Lab 0's names are the ones a single lab always had. Shared by all
# labs, under ZKLAB_BASE: the client and host keys, the tarballs, the systemd hosts' root file system.
lab_identity() {
  LAB_ID=${ZKLAB_ID:-0}
  [[ $LAB_ID =~ ^[0-8]$ ]] || { echo "lab: ZKLAB_ID must be a number from 0 to 8, not '$LAB_ID'" >&2; exit 1; }
  BASE=${ZKLAB_BASE:-/var/lib/zkdeploy-lab}
  if [ "$LAB_ID" = 0 ]; then
    STATE=${ZKLAB_STATE:-$BASE}
    BRIDGE=zklab0 BRIDGE_INNER=zklab1 NS_PREFIX='' LINK_PREFIX=zkl-
    DEFAULT_SUBNET=10.213.57 DEFAULT_BASTION_SUBNET=10.213.56
    MARK_SUFFIX=''
    # Lab 0 is the machine's own: its names in /etc/hosts and its keys in root's known_hosts.
    ROOT_SSH=${HOME:-/root}/.ssh HOSTS_FILE=/etc/hosts
  else
    STATE=${ZKLAB_STATE:-$BASE-$LAB_ID}
    BRIDGE=zkl${LAB_ID}br0 BRIDGE_INNER=zkl${LAB_ID}br1 NS_PREFIX=zk${LAB_ID}- LINK_PREFIX=zkl${LAB_ID}-
    DEFAULT_SUBNET=10.213.$((57 + 2 * LAB_ID)) DEFAULT_BASTION_SUBNET=10.213.$((56 + 2 * LAB_ID))
    MARK_SUFFIX=" $LAB_ID"
    # The same host names at other addresses: a lab of its own sees them through its own /etc/hosts
    # and known_hosts, bound over the machine's in its hosts and in `lab.sh run` (one mount namespace).
    ROOT_SSH=$STATE/root-ssh HOSTS_FILE=$STATE/etc-hosts
  fi
}

# Every lab's state dir that exists on this machine (lab 0's first).
lab_state_dirs() {
  local dir
  for dir in "$BASE" "$BASE"-[1-8]; do [ -d "$dir" ] && echo "$dir"; done
  return 0
}

# Run from inside `lab.sh run` of a lab other than 0 (its own /etc/hosts and ~/.ssh bound over the
# machine's), a lab script goes back to the mount namespace `run` was started from, so that what it
# mounts, and the hosts it starts, are the machine's and outlive the run. Call with "$0" "$@".
in_outer_mount_namespace() {
  [ -n "${ZKLAB_OUTER_MNT:-}" ] || return 0
  [ "$(readlink "$ZKLAB_OUTER_MNT" 2>/dev/null)" != "$(readlink /proc/self/ns/mnt)" ] || return 0
  # Entering a mount namespace moves to its root: the working directory is taken along by name.
  exec nsenter --mount="$ZKLAB_OUTER_MNT" --wd="$PWD" -- env -u ZKLAB_OUTER_MNT bash "$@"
}
