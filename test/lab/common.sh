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
