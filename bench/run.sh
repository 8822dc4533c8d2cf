#!/bin/bash
# zkdeploy's benchmark on the lab, in one run: zkdeploy, the guide done by hand with plain ssh/scp on
# all hosts at once (the baseline), and the practical floor (one SSH session per host streaming the
# tarball into tar and starting the server, srvr polled every 50 ms). Prints min/median/max and
# ratios, and writes bench/RESULTS.md. Needs root (the lab does). Usage: bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${1:-3}
LAB="bash $PWD/test/lab/lab.sh"
ZK="$PWD/bin/zkdeploy"
INV="$PWD/inventories/lzy.yaml"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CI=true NO_COLOR=1

[ -f dist/src/cli.js ] || npm run build >/dev/null
$LAB up >/dev/null 2>&1
STATE=$($LAB env | sed -n 's/^ZKLAB_STATE=//p')
SUBNET=$($LAB env | sed -n 's/^ZKLAB_SUBNET=//p')
TARBALL="$STATE/tarballs/zookeeper-3.8.0.tar.gz"
SSH=(ssh -F "$STATE/ssh_config" -o ControlMaster=no)
SCP=(scp -q -F "$STATE/ssh_config")
now() { date +%s.%N; }

# The mode every host's srvr reports, straight over TCP: "leader follower …".
modes() {
  local n out
  for n in $(seq "${1:-5}"); do
    out=$(timeout 0.3 bash -c "exec 3<>/dev/tcp/$SUBNET.$((10 + n))/2181 && printf srvr >&3 && cat <&3" 2>/dev/null || true)
    sed -n 's/^Mode: //p' <<<"$out" | grep . || echo none
  done | sort | tr '\n' ' '
}
healthy5() { [ "$(modes 5)" = "follower follower follower follower leader " ]; }

record() { echo "$2" >>"$WORK/$1"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

zoo_cfg() {
  printf 'tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/home/admin/zookeeper/data\ndataLogDir=/home/admin/zookeeper/logs\nclientPort=2181\n4lw.commands.whitelist=srvr,mntr\nadmin.enableServer=false\n'
  for n in 1 2 3 4 5; do printf 'server.%d=LZY-%02d:2888:3888\n' "$n" "$n"; done
}

bench_zkdeploy_cold() {
  $LAB reset >/dev/null
  local t0 rss
  t0=$(now)
  /usr/bin/time -o "$WORK/time" -f %M "$ZK" install -i "$INV" -t "$TARBALL" >/dev/null 2>&1
  rss=$(cat "$WORK/time")
  "$ZK" start >/dev/null 2>&1
  "$ZK" status >/dev/null
  record cold "$(elapsed "$t0" "$(now)")"
  record rss_kb "$rss"
}

# The same in one command: install --start starts each host as soon as it is installed and ends on
# the status table, exiting 0 only when every server serves (srvr, as status asks it). Timed to its
# exit, and separately with a status command after it.
bench_zkdeploy_one() {
  $LAB reset >/dev/null
  local t0
  t0=$(now)
  "$ZK" install -i "$INV" -t "$TARBALL" --start >/dev/null 2>&1
  record cold_one "$(elapsed "$t0" "$(now)")"
  "$ZK" status >/dev/null
  record cold_one_status "$(elapsed "$t0" "$(now)")"
}

# The guide by hand, as a person scripting it would, on all hosts at once: scp, ssh tar, scp
# zoo.cfg, ssh myid, ssh zkServer.sh start; then zkServer.sh status on each until healthy.
bench_by_hand() {
  $LAB reset >/dev/null
  zoo_cfg >"$WORK/zoo.cfg"
  local t0 n
  t0=$(now)
  for n in 1 2 3 4 5; do
    (
      h=$(printf 'LZY-%02d' "$n")
      "${SSH[@]}" "$h" 'mkdir -p ~/setups ~/zookeeper/data ~/zookeeper/logs'
      "${SCP[@]}" "$TARBALL" "$h:setups/"
      "${SSH[@]}" "$h" 'cd ~/zookeeper && tar -xzf ~/setups/zookeeper-3.8.0.tar.gz'
      "${SCP[@]}" "$WORK/zoo.cfg" "$h:zookeeper/zookeeper-3.8.0/conf/zoo.cfg"
      "${SSH[@]}" "$h" "echo $n > ~/zookeeper/data/myid"
      "${SSH[@]}" "$h" '~/zookeeper/zookeeper-3.8.0/bin/zkServer.sh start' >/dev/null 2>&1
    ) &
  done
  wait
  until [ "$(for n in 1 2 3 4 5; do "${SSH[@]}" "$(printf 'LZY-%02d' "$n")" '~/zookeeper/zookeeper-3.8.0/bin/zkServer.sh status 2>/dev/null | sed -n "s/^Mode: //p"' & done | sort | tr '\n' ' '; wait)" = "follower follower follower follower leader " ]; do :; done
  record by_hand "$(elapsed "$t0" "$(now)")"
}

# The practical floor: one SSH session per host streams the tarball into tar, writes the files and
# starts the server; srvr is polled every 50 ms.
bench_floor() {
  $LAB reset >/dev/null
  local t0 n cfg
  cfg=$(zoo_cfg)
  t0=$(now)
  for n in 1 2 3 4 5; do
    "${SSH[@]}" "$(printf 'LZY-%02d' "$n")" "mkdir -p ~/zookeeper/data ~/zookeeper/logs && tar -xzf - -C ~/zookeeper && printf '%s\n' '$cfg' > ~/zookeeper/zookeeper-3.8.0/conf/zoo.cfg && echo $n > ~/zookeeper/data/myid && ~/zookeeper/zookeeper-3.8.0/bin/zkServer.sh start >/dev/null 2>&1" <"$TARBALL" &
  done
  until healthy5; do sleep 0.05; done
  record floor "$(elapsed "$t0" "$(now)")"
  wait
}

timed() { # name, command…
  local t0
  t0=$(now)
  "${@:2}" >/dev/null 2>&1 || true
  record "$1" "$(elapsed "$t0" "$(now)")"
}

stats() { # file → "min median max"
  sort -n "$WORK/$1" | awk '{ v[NR] = $1 } END { printf "%.2f %.2f %.2f", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'
}
median() { stats "$1" | awk '{ print $2 }'; }

echo "bench: $RUNS runs each; this takes a few minutes" >&2
cd "$WORK"
for _ in $(seq "$RUNS"); do
  bench_by_hand
  bench_floor
  bench_zkdeploy_cold
  bench_zkdeploy_one
done
for _ in $(seq "$RUNS"); do
  timed noop "$ZK" install
  timed status "$ZK" status
  timed plan "$ZK" plan
done
for _ in $(seq "$RUNS"); do timed restart "$ZK" restart; done
# Upgrade 3.4.9 → 3.8.0 and back under a live writer (issue 17): each command's time and the longest
# time without a leader (srvr every 50 ms), as the end-to-end test reports them.
for _ in $(seq "$RUNS"); do
  out=$(node --test --test-reporter=spec --test-name-pattern='and back' dist/test/e2e/upgrade.test.js 2>&1) ||
    { printf '%s\n' "$out" >&2; exit 1; }
  figures=$(grep -o 'upgrade: [0-9.]* s, .*' <<<"$out" | head -n1)
  record upgrade "$(sed -n 's/^upgrade: \([0-9.]*\) s,.*/\1/p' <<<"$figures")"
  record upgrade_gap "$(sed -n 's/^upgrade: .* without a leader \([0-9]*\) ms; rollback.*/\1/p' <<<"$figures" | awk '{ print $1 / 1000 }')"
  record rollback "$(sed -n 's/.*; rollback: \([0-9.]*\) s,.*/\1/p' <<<"$figures")"
  record rollback_gap "$(sed -n 's/.*; rollback: .* without a leader \([0-9]*\) ms$/\1/p' <<<"$figures" | awk '{ print $1 / 1000 }')"
done
for _ in $(seq 10); do timed help "$ZK" --help; done

# Scale: install without start, and status, on 5, 10 and 20 hosts (user+sys CPU of zkdeploy too).
for hosts in 5 10 20; do
  ZKLAB_HOSTS=$hosts $LAB up >/dev/null 2>&1
  $LAB reset >/dev/null
  inv="$WORK/lab-$hosts.yaml"
  { printf 'ssh: { user: admin }\nhosts:\n'; for n in $(seq "$hosts"); do printf '  - name: LZY-%02d\n' "$n"; done; } >"$inv"
  for _ in $(seq "$RUNS"); do
    $LAB reset >/dev/null
    /usr/bin/time -o "$WORK/time" -f '%e %U %S' "$ZK" install -i "$inv" -t "$TARBALL" --skip-check >/dev/null 2>&1 || true
    cpu=$(cat "$WORK/time")
    record "install_$hosts" "$(awk '{ print $1 }' <<<"$cpu")"
    record "install_cpu_$hosts" "$(awk '{ print $2 + $3 }' <<<"$cpu")"
    timed "status_$hosts" "$ZK" status -i "$inv"
  done
done
# The preflight's network check at size (issue 24: 50 hosts in under 10 s): every pair, every port.
for hosts in 5 50; do
  ZKLAB_HOSTS=$hosts $LAB up >/dev/null 2>&1
  $LAB reset >/dev/null
  inv="$WORK/check-$hosts.yaml"
  { printf 'ssh: { user: admin }\nhosts:\n'; for n in $(seq "$hosts"); do printf '  - name: LZY-%02d\n' "$n"; done; } >"$inv"
  for _ in $(seq "$RUNS"); do timed "check_$hosts" "$ZK" check -i "$inv" -t "$TARBALL"; done
done
ZKLAB_HOSTS=5 $LAB up >/dev/null 2>&1
$LAB reset >/dev/null
cd - >/dev/null

verdict() { # what, value, limit
  awk -v w="$1" -v v="$2" -v l="$3" 'BEGIN { printf "- %s: %s, %s\n", w, v, (v <= l ? "met" : "MISSED") }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '| %s | %s |\n' "$1" "$(stats "$2" | awk '{ printf "%s / %s / %s", $1, $2, $3 }')"; }
rss_mb=$(sort -n "$WORK/rss_kb" | tail -n1 | awk '{ printf "%.0f", $1 / 1024 }')
help_ms=$(awk -v m="$(median help)" 'BEGIN { printf "%.0f", m * 1000 }')
report=$(
  cat <<EOF
# zkdeploy benchmark results

Date: $(date -u '+%Y-%m-%d %H:%M UTC'). Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown).
Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(uname -sr), Node $(node --version).
Lab: five sshd hosts in network namespaces on this machine, sharing its cores; ZooKeeper 3.8.0.
$RUNS runs each (--help: 10). Seconds, min / median / max.

| measurement | s (min / median / max) |
| --- | --- |
$(row "guide by hand, all hosts at once (baseline)" by_hand)
$(row "practical floor (one streaming session per host, srvr every 50 ms)" floor)
$(row "zkdeploy cold: install, start, status (three commands)" cold)
$(row "zkdeploy cold: install --start (one command, ends on the status table)" cold_one)
$(row "zkdeploy cold: install --start, then status (two commands)" cold_one_status)
$(row "zkdeploy no-op install (deployed, running)" noop)
$(row "zkdeploy status" status)
$(row "zkdeploy plan" plan)
$(row "zkdeploy restart (rolling, leader last)" restart)
$(row "zkdeploy upgrade 3.4.9 → 3.8.0 (rolling, under ~40 writes/s)" upgrade)
$(row "  longest without a leader during it" upgrade_gap)
$(row "zkdeploy rollback 3.8.0 → 3.4.9 (rolling, under ~40 writes/s)" rollback)
$(row "  longest without a leader during it" rollback_gap)
$(row "zkdeploy --help" help)
$(row "install, 5 hosts (no start)" install_5)
$(row "install, 10 hosts" install_10)
$(row "install, 20 hosts" install_20)
$(row "status, 5 hosts (servers down)" status_5)
$(row "status, 10 hosts" status_10)
$(row "status, 20 hosts" status_20)
$(row "check, 5 hosts (every port between every pair)" check_5)
$(row "check, 50 hosts" check_50)

Ratios of medians: zkdeploy cold / by hand = $(ratio "$(median cold)" "$(median by_hand)") (three commands), $(ratio "$(median cold_one_status)" "$(median by_hand)") (two), $(ratio "$(median cold_one)" "$(median by_hand)") (install --start);
zkdeploy cold / floor = $(ratio "$(median cold)" "$(median floor)") (three commands), $(ratio "$(median cold_one_status)" "$(median floor)") (two), $(ratio "$(median cold_one)" "$(median floor)") (install --start).
By hand: median $(median by_hand) s, against 8.9-9.4 s in docs/lab.md; that lab's tarball was 8.7 MB with 29 jars,
this one is $(du -m "$TARBALL" | cut -f1) MB with $(tar tzf "$TARBALL" | grep -c '\.jar$') jars (only what the server and zkCli need), so every copy and extraction is lighter.
Scale: install 20 / 5 hosts = $(ratio "$(median install_20)" "$(median install_5)"), status 20 / 5 hosts = $(ratio "$(median status_20)" "$(median status_5)").
zkdeploy's own CPU (user + sys) for install: $(median install_cpu_5) s at 5 hosts, $(median install_cpu_10) s at 10, $(median install_cpu_20) s at 20; the rest is the hosts (sshd, tar, JVMs), which share the same $(nproc) cores.
Peak RSS of zkdeploy during a cold five-host install: $rss_mb MB. --help median: $help_ms ms.

Targets (issue 10, medians), judged on this run:
$(verdict "cold (install --start, ends healthy on the status table) <= 1.1 x floor" "$(ratio "$(median cold_one)" "$(median floor)")" 1.1)
$(verdict "cold (install --start, then status) <= 1.1 x floor" "$(ratio "$(median cold_one_status)" "$(median floor)")" 1.1)
$(verdict "cold (three commands) <= 1.1 x floor" "$(ratio "$(median cold)" "$(median floor)")" 1.1)
$(verdict "no-op install <= 0.6 s" "$(median noop)" 0.6)
$(verdict "check on 50 hosts < 10 s (issue 24)" "$(median check_50)" 10)
$(verdict "status <= 0.8 s" "$(median status)" 0.8)
$(verdict "plan <= 1.0 s" "$(median plan)" 1.0)
$(verdict "status 20 / 5 hosts <= 2" "$(ratio "$(median status_20)" "$(median status_5)")" 2)
$(verdict "--help <= 0.15 s" "$(median help)" 0.15)
$(verdict "upgrade: longest without a leader <= 2 s (issue 17, the worst run)" "$(stats upgrade_gap | awk '{ print $3 }')" 2)
$(verdict "rollback: longest without a leader <= 2 s (issue 17, the worst run)" "$(stats rollback_gap | awk '{ print $3 }')" 2)
$(verdict "peak RSS <= 150 MB" "$rss_mb" 150)
EOF
)
printf '%s\n' "$report" >bench/RESULTS.md
npx biome format --write bench/RESULTS.md >/dev/null 2>&1 || true # the lint keeps tables aligned
cat bench/RESULTS.md
