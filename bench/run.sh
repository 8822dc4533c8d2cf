#!/bin/bash
# zkdeploy's benchmark on the lab, in one run: zkdeploy, the guide done by hand with plain ssh/scp on
# all hosts at once (the baseline), and the practical floor (one SSH session per host streaming the
# tarball into tar and starting the server, srvr polled every 50 ms). Prints min/median/max and
# ratios, and writes bench/RESULTS.md. Needs root (the lab does). Usage: bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${1:-3}
REPO=$PWD
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

# Ansible, tuned (../shared/peers/ansible: forks 10, no facts, pipelining, ControlPersist 120 s),
# on the same lab in the same run. Its ssh master connections are closed before a cold run, so a
# cold figure is cold; the no-op re-run and status follow it as a user's would (masters warm).
PEER="$PWD/../shared/peers/ansible"
ANS="$WORK/ansible"
ensure_ansible() {
  command -v ansible-playbook >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ansible-core >/dev/null; }
  rm -rf "$ANS" && cp -r "$PEER" "$ANS"
  sed -e "s#=KEY#=$STATE/keys/id_ed25519#; s#KNOWN_HOSTS#$STATE/known_hosts#; s#10\.213\.57\.#$SUBNET.#g" \
    "$ANS/inventory.example.ini" >"$ANS/inventory.ini"
}
ansible_masters_close() {
  local sock
  for sock in "$HOME"/.ansible/cp/*; do
    [ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit lab >/dev/null 2>&1 || true
  done
}
playbook() {
  (cd "$ANS" && ansible-playbook "$@" -e zk_tarball="$TARBALL" -e zk_release=zookeeper-3.8.0 >/dev/null 2>&1) ||
    { echo "bench: ansible-playbook $* failed" >&2; exit 1; }
}
bench_ansible() {
  $LAB reset >/dev/null
  ansible_masters_close
  local t0
  t0=$(now)
  /usr/bin/time -o "$WORK/time" -f '%U %S' env ANS="$ANS" TARBALL="$TARBALL" bash -c \
    'cd "$ANS" && ansible-playbook deploy.yml -e zk_tarball="$TARBALL" -e zk_release=zookeeper-3.8.0 >/dev/null 2>&1' ||
    { echo "bench: the Ansible deploy failed" >&2; exit 1; }
  record ansible_cold "$(elapsed "$t0" "$(now)")"
  record ansible_cpu "$(awk '{ print $1 + $2 }' "$WORK/time")"
  t0=$(now)
  playbook deploy.yml
  record ansible_noop "$(elapsed "$t0" "$(now)")"
  t0=$(now)
  playbook status.yml
  record ansible_status "$(elapsed "$t0" "$(now)")"
}

# A day-2 operation on the running ensemble: its time and the longest time no server led (srvr of
# every server every 50 ms, bench/leader-gap.ts).
day2() { # name, hosts, command…
  local figures
  figures=$(node "$REPO/dist/bench/leader-gap.js" "$2" -- "${@:3}")
  record "$1" "$(awk '{ print $1 }' <<<"$figures")"
  record "$1_gap" "$(awk '{ print $2 }' <<<"$figures")"
  [ "$(awk '{ print $3 }' <<<"$figures")" = 0 ] || { echo "bench: $1 failed: ${*:3}" >&2; exit 1; }
}

# CPU seconds the whole machine has spent (all cores; the lab's hosts run on them too).
machine_cpu() { awk '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / 100 }' /proc/stat; }

# Where a command's time goes, from one run of it with --verbose: its slowest SSH connection, and on
# its slowest host the number of remote commands and their summed time (zkServer.sh start apart).
profile() { # name, command…
  local log="$WORK/profile-$1.log" t0
  t0=$(now)
  "${@:2}" --verbose >/dev/null 2>"$log" || true
  record "$1_total" "$(elapsed "$t0" "$(now)")"
  record "$1_connect" "$(sed -n 's/.* connected in \([0-9.]*\)s, .*/\1/p' "$log" | sort -n | tail -n1)"
  # Before the first connection began: Node, loading zkdeploy, reading the inventory, keys and tarball.
  record "$1_before" "$(sed -n 's/.* connected in \([0-9.]*\)s, \([0-9.]*\)s after zkdeploy started$/\1 \2/p' "$log" |
    awk '{ print $2 - $1 }' | sort -n | head -n1)"
  awk '/ exit [0-9]+ in [0-9.]+s$/ { n[$1]++; t[$1] += substr($NF, 1, length($NF) - 1) }
       END { for (h in n) print n[h], t[h] }' "$log" | sort -k2 -n | tail -n1 >"$WORK/$1_commands"
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
max() { stats "$1" | awk '{ print $3 }'; }

echo "bench: $RUNS runs each; this takes about 15 minutes" >&2
ensure_ansible
cd "$WORK"
for _ in $(seq "$RUNS"); do
  bench_ansible
  bench_by_hand
  bench_floor
  bench_zkdeploy_cold
  bench_zkdeploy_one
done
for _ in $(seq "$RUNS"); do
  timed noop "$ZK" install
  timed status "$ZK" status
  timed plan "$ZK" plan
  timed openssh_one "${SSH[@]}" LZY-01 true
done
profile p_status "$ZK" status
profile p_noop "$ZK" install
$LAB reset >/dev/null
profile p_cold "$ZK" install -i "$INV" -t "$TARBALL" --start
"$ZK" install -i "$INV" -t "$TARBALL" --start >/dev/null 2>&1
for _ in $(seq "$RUNS"); do
  day2 restart 5 "$ZK" restart
  day2 backup 5 "$ZK" backup -o "$WORK/backups" --keep 1
  day2 restore 5 "$ZK" restore "$(ls -d "$WORK"/backups/lzy-* | tail -n1)" --yes
done
# Scale out by one server: five running, the inventory grown to six, zkdeploy scale.
ZKLAB_HOSTS=6 $LAB up >/dev/null 2>&1
inv6="$WORK/lzy6.yaml"
{ sed '/^hosts:/q' "$INV"; for n in 1 2 3 4 5 6; do printf '  - name: LZY-%02d\n    myid: %d\n' "$n" "$n"; done; } >"$inv6"
for _ in $(seq "$RUNS"); do
  $LAB reset >/dev/null
  "$ZK" install -i "$INV" -t "$TARBALL" --start >/dev/null 2>&1
  day2 scale_out 6 "$ZK" scale -i "$inv6" -t "$TARBALL"
done
ZKLAB_HOSTS=5 $LAB up >/dev/null 2>&1
# Upgrade 3.4.9 → 3.8.0 and back under a live writer (issue 17): each command's time and the longest
# time without a leader (srvr every 50 ms), as the end-to-end test reports them.
for _ in $(seq "$RUNS"); do
  out=$(node --test --test-reporter=spec --test-name-pattern='and back' "$REPO/dist/test/e2e/upgrade.test.js" 2>&1) ||
    { printf '%s\n' "$out" >&2; exit 1; }
  figures=$(grep -o 'upgrade: [0-9.]* s, .*' <<<"$out" | head -n1)
  record upgrade "$(sed -n 's/^upgrade: \([0-9.]*\) s,.*/\1/p' <<<"$figures")"
  record upgrade_gap "$(sed -n 's/^upgrade: .* without a leader \([0-9]*\) ms; rollback.*/\1/p' <<<"$figures" | awk '{ print $1 / 1000 }')"
  record rollback "$(sed -n 's/.*; rollback: \([0-9.]*\) s,.*/\1/p' <<<"$figures")"
  record rollback_gap "$(sed -n 's/.*; rollback: .* without a leader \([0-9]*\) ms$/\1/p' <<<"$figures" | awk '{ print $1 / 1000 }')"
done
for _ in $(seq 10); do timed help "$ZK" --help; done
for _ in $(seq 10); do timed node_bare node -e 0; done

# The control side at 5, 20 and 50 hosts (issue 21): install without start (50 JVMs do not fit on
# two cores), then plan and status against the down servers; zkdeploy's own CPU and peak memory.
for hosts in 5 20 50; do
  ZKLAB_HOSTS=$hosts $LAB up >/dev/null 2>&1
  inv="$WORK/lab-$hosts.yaml"
  { printf 'ssh: { user: admin }\nhosts:\n'; for n in $(seq "$hosts"); do printf '  - name: LZY-%02d\n' "$n"; done; } >"$inv"
  for _ in $(seq "$RUNS"); do
    $LAB reset >/dev/null
    for what in install plan status; do
      args=(-i "$inv")
      [ "$what" = install ] && args+=(-t "$TARBALL" --skip-check)
      cpu0=$(machine_cpu)
      /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' "$ZK" "$what" "${args[@]}" >/dev/null 2>&1 || true
      record "${what}_machine_$hosts" "$(awk -v a="$cpu0" -v b="$(machine_cpu)" 'BEGIN { printf "%.2f", b - a }')"
      record "${what}_$hosts" "$(awk '{ print $1 }' "$WORK/time")"
      record "${what}_cpu_$hosts" "$(awk '{ print $2 + $3 }' "$WORK/time")"
      record "${what}_rss_$hosts" "$(awk '{ printf "%.0f", $4 / 1024 }' "$WORK/time")"
    done
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
row2() { printf '| %s | %s | %s |\n' "$1" "$(stats "$2" | awk '{ printf "%s / %s / %s", $1, $2, $3 }')" "$(stats "$2_gap" | awk '{ printf "%s / %s / %s", $1, $2, $3 }')"; }
rss_mb=$(sort -n "$WORK/rss_kb" | tail -n1 | awk '{ printf "%.0f", $1 / 1024 }')
help_ms=$(awk -v m="$(median help)" 'BEGIN { printf "%.0f", m * 1000 }')
report=$(
  cat <<EOF
# zkdeploy benchmark results

Date: $(date -u '+%Y-%m-%d %H:%M UTC'). Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown).
Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(uname -sr), Node $(node --version), $(ansible-playbook --version | head -n1).
Lab: sshd hosts in network namespaces on this machine, sharing its cores; ZooKeeper 3.8.0 (the upgrade rows: 3.4.9 → 3.8.0).
$RUNS runs each (--help: 10). Seconds, min / median / max. Everything below comes from this one run.

## The guide's job: zkdeploy, Ansible, by hand, the floor

| measurement | s (min / median / max) |
| --- | --- |
$(row "Ansible tuned: deploy.yml, cold (quorum waited for)" ansible_cold)
$(row "Ansible tuned: deploy.yml again (no-op, changed=0)" ansible_noop)
$(row "Ansible tuned: status.yml" ansible_status)
$(row "  Ansible's CPU (user + sys) for a cold deploy" ansible_cpu)
$(row "guide by hand, all hosts at once (baseline)" by_hand)
$(row "practical floor (one streaming session per host, srvr every 50 ms)" floor)
$(row "zkdeploy cold: install --start (one command, ends healthy on the status table)" cold_one)
$(row "zkdeploy cold: install, start, status (three commands)" cold)
$(row "zkdeploy no-op install (deployed, running)" noop)
$(row "zkdeploy status" status)
$(row "zkdeploy plan" plan)
$(row "zkdeploy --help" help)

## Day-2 operations on five hosts, and the longest time without a leader during each

| operation | s (min / median / max) | without a leader, s (min / median / max) |
| --- | --- | --- |
$(row2 "restart (rolling, leader last)" restart)
$(row2 "upgrade 3.4.9 → 3.8.0 (rolling, under ~40 writes/s)" upgrade)
$(row2 "rollback 3.8.0 → 3.4.9 (rolling, under ~40 writes/s)" rollback)
$(row2 "scale out 5 → 6 servers" scale_out)
$(row2 "backup (while serving)" backup)
$(row2 "restore (every server stopped, seeded, started, proven)" restore)

## The control side at 5, 20 and 50 hosts (servers down; install without start)

| hosts | install s | plan s | status s | zkdeploy CPU s (install / plan / status) | the machine's CPU s (install / plan / status) | peak RSS MB (install / plan / status) |
| --- | --- | --- | --- | --- | --- | --- |
$(for h in 5 20 50; do printf '| %s | %s | %s | %s | %s / %s / %s | %s / %s / %s | %s / %s / %s |\n' "$h" "$(median "install_$h")" "$(median "plan_$h")" "$(median "status_$h")" "$(median "install_cpu_$h")" "$(median "plan_cpu_$h")" "$(median "status_cpu_$h")" "$(median "install_machine_$h")" "$(median "plan_machine_$h")" "$(median "status_machine_$h")" "$(max "install_rss_$h")" "$(max "plan_rss_$h")" "$(max "status_rss_$h")"; done)

| measurement | s (min / median / max) |
| --- | --- |
$(row "check, 5 hosts (every port between every pair)" check_5)
$(row "check, 50 hosts" check_50)

Medians; peak RSS is the largest of the runs. Peak RSS of a cold five-host install: $rss_mb MB.
"The machine's CPU" is every core's busy time during the command: zkdeploy, and the lab hosts' sshd,
shells, tar and gzip, which share this machine's $(nproc) cores.

## Where the time goes (one run of each with --verbose, five hosts)

| command | total s | before the first connection (Node, loading zkdeploy, inventory, keys, tarball) s | slowest SSH connection s | remote commands on the slowest host: count, summed s |
| --- | --- | --- | --- | --- |
$(for p in status noop cold; do printf '| %s | %s | %s | %s | %s |\n' "$p" "$(cat "$WORK/p_${p}_total")" "$(cat "$WORK/p_${p}_before")" "$(cat "$WORK/p_${p}_connect")" "$(awk '{ printf "%d, %.2f", $1, $2 }' "$WORK/p_${p}_commands")"; done)

Bare \`node -e 0\` takes $(median node_bare) s here and \`zkdeploy --help\` $(median help) s; loading what status needs
(ssh2, the inventory's YAML parser and schema validator, the CLI) is most of the rest before the first
connection. OpenSSH's own client needs $(median openssh_one) s for one \`ssh LZY-01 true\` on this lab:
sshd's side of a login (a process per connection, key exchange, PAM) is what a connection costs here.

What this says about the targets missed below (the figures are this run's):
- Cold deploy against the floor and Ansible: the floor is one SSH session per host that streams the
  tarball into tar and starts the server, and nothing else. zkdeploy also runs its preflight beside
  its probes, checks the upload by sha256 before using it, and judges a start by srvr:
  $(awk '{ print $1 }' "$WORK/p_cold_commands") remote commands on the slowest host ($(awk '{ print $2 }' "$WORK/p_cold_commands") s summed, zkServer.sh start among them with
  the \`sleep 1\` of its own script, during which the JVM starts anyway); install's file steps go
  to a host as one command. Most of the cold time is the five JVMs starting and electing on two
  shared cores, as in the floor. Ansible tuned needs $(median ansible_cold) s and $(median ansible_cpu) CPU-seconds for the same job.
- No-op and status against Ansible's: Ansible's no-op and status run right after its deploy, over the
  ssh master connections ControlPersist keeps open; zkdeploy starts a process and opens its
  connections every time (see the table above), then makes one round of remote commands (status: one
  command per host beside srvr over the connection). Meeting 0.05 x and 0.1 x needs both a process
  and connections kept between commands (a resident agent, as ControlPersist is for ssh); zkdeploy
  has neither.
- 50 against 5 hosts: every lab host runs on this machine's $(nproc) cores, so the hosts' side of the
  work (sshd's handshakes and ciphers, tar, gzip) competes with zkdeploy: at 50 hosts the machine spent
  $(median install_machine_50) CPU-seconds on install and $(median status_machine_50) on status, zkdeploy $(median install_cpu_50) and $(median status_cpu_50) of them.
  Real hosts each bring their own CPU; on this lab the ratio measures the machine as much as zkdeploy.

## Targets (issue 21), judged on this run

$(verdict "cold deploy (install --start, healthy) <= 0.2 x Ansible tuned" "$(ratio "$(median cold_one)" "$(median ansible_cold)")" 0.2)
$(verdict "cold deploy (install --start, healthy) <= 1.0 x floor" "$(ratio "$(median cold_one)" "$(median floor)")" 1.0)
$(verdict "no-op re-run <= 0.05 x Ansible's" "$(ratio "$(median noop)" "$(median ansible_noop)")" 0.05)
$(verdict "status <= 0.1 x Ansible's" "$(ratio "$(median status)" "$(median ansible_status)")" 0.1)
$(verdict "status at 50 hosts <= 2 x at 5" "$(ratio "$(median status_50)" "$(median status_5)")" 2)
$(verdict "install at 50 hosts <= 4 x at 5" "$(ratio "$(median install_50)" "$(median install_5)")" 4)
$(verdict "peak memory at 50 hosts <= 200 MB" "$(max install_rss_50)" 200)
$(verdict "--help <= 150 ms" "$help_ms" 150)
$(verdict "upgrade: longest without a leader <= 2 s (issue 17, the worst run)" "$(max upgrade_gap)" 2)
$(verdict "rollback: longest without a leader <= 2 s (issue 17, the worst run)" "$(max rollback_gap)" 2)
$(verdict "check on 50 hosts < 10 s (issue 24)" "$(median check_50)" 10)
EOF
)
printf '%s\n' "$report" >bench/RESULTS.md
npx biome format --write bench/RESULTS.md >/dev/null 2>&1 || true # the lint keeps tables aligned
cat bench/RESULTS.md
