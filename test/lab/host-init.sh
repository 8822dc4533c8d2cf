#!/bin/bash
# PID 1 of one lab host (its own PID, mount, UTS and IPC namespaces, inside its network namespace).
# Gives the host its name, its lab's /etc/hosts and private home/tmp, hides the machine's Java jars, keeps sshd running,
# reaps orphans (bash reaps every child it is sent SIGCHLD for) and stops everything on SIGTERM.
set -u
name=$1 hostdir=$2 sshd_config=$3 hosts_file=${4:-/etc/hosts}

hostname "$name"
# A lab other than 0 gives the same host names other addresses: its own /etc/hosts.
[ "$hosts_file" = /etc/hosts ] || mount --bind "$hosts_file" /etc/hosts
mount --bind "$hostdir/home" /home/admin
mount --bind "$hostdir/tmp" /tmp
mount --bind "$hostdir/vartmp" /var/tmp
# "A machine with only a JDK": ZooKeeper must bring every jar it needs in its own lib/.
mount -t tmpfs -o ro,size=4k,mode=755 zklab-nojava /usr/share/java
# The machine's network namespace handles (/run/netns/NAME, every lab's) came along as private copies:
# kept, they would pin another lab's namespace after it is deleted and show as a mount no test made.
for point in $(awk '$5 ~ "^/run/netns(/|$)" {print $5}' /proc/self/mountinfo | sort -r); do
  umount -l "$point" 2>/dev/null || true
done

stopping=
trap 'stopping=1' TERM INT HUP
sshd_pid=
# Waits on sshd itself rather than polling (a process a second per host is CPU the tests need):
# `wait` returns when sshd dies or a trapped signal comes. A dying sshd is started again, at most
# once a second.
while [ -z "$stopping" ]; do
  if [ -z "$sshd_pid" ] || ! kill -0 "$sshd_pid" 2>/dev/null; then
    [ -z "$sshd_pid" ] || { sleep 1 & wait $!; }
    [ -z "$stopping" ] || break
    /usr/sbin/sshd -D -f "$sshd_config" -E "$hostdir/sshd.log" &
    sshd_pid=$!
  fi
  # (A signal landing between the check above and this wait is caught by down's SIGKILL after 2 s.)
  [ -z "$stopping" ] && wait "$sshd_pid" 2>/dev/null
done
# PID 1 of a PID namespace: kill -1 reaches every other process of this host only.
kill -TERM -1 2>/dev/null
for _ in $(seq 20); do
  procs=(/proc/[0-9]*)
  [ "${#procs[@]}" -le 1 ] && break
  sleep 0.05
done
kill -KILL -1 2>/dev/null
exit 0
