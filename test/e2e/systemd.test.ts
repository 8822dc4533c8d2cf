// service: systemd on hosts that boot systemd (test/lab/systemd-host.sh): the unit installed through
// the narrow sudo rule, the switch from zkServer.sh as a planned rolling change, and a supervised
// server: killed with SIGKILL it comes back by itself, and a rebooted host brings it back at boot.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNothingChanged, pairsWith, scratchDir, until, zkdeploy } from '../helpers/cli.js';
import { hostIp, inSystemdHost, lab, labKey, labTarball, requireLab, systemdHost } from '../helpers/lab.js';

const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
const NAMES = ['LZY-S1', 'LZY-S2', 'LZY-S3'];
// Named by address in the inventory (the hosts resolve no lab names): SUBNET.60-62.
const ADDRESSES = [50, 51, 52].map(hostIp);

interface CheckJson {
  hosts: { name: string; results: { id: string; status: string; message: string }[] }[];
}

interface StatusJson {
  healthy: boolean;
  hosts: { name: string; mode: string; service?: string; zxid?: string }[];
}

describe('service: systemd (supervised servers on systemd hosts)', () => {
  const cwd = scratchDir();
  const run = (...args: string[]) => zkdeploy(args, { cwd: cwd.path });
  const guideWay = join(cwd.path, 'guide-way.yaml');
  const inventory = join(cwd.path, 'systemd.yaml');
  const serverPid = (name: string) =>
    inSystemdHost(name, 'systemctl show -p MainPID --value zookeeper.service 2>/dev/null || true');
  const status = async () => {
    const result = await run('status', '--json', '-i', inventory);
    return JSON.parse(result.stdout) as StatusJson;
  };
  const healthyUnderSystemd = async () => {
    const now = await status();
    return now.healthy && now.hosts.every((h) => h.service === 'systemd') ? now : undefined;
  };

  before(() => {
    if (process.getuid?.() !== 0) return;
    lab('reset');
    systemdHost('up', '3');
    const hosts = ADDRESSES.map((a) => `  - ${a}`).join('\n');
    const common = `ssh:\n  user: admin\n  identity: ${labKey}\nzookeeper:\n  javaHome: ${JAVA_HOME}\n  tarball: ${labTarball()}\nhosts:\n${hosts}\n`;
    writeFileSync(guideWay, common);
    writeFileSync(inventory, `service: systemd\n${common}`);
  });
  after(() => {
    cwd.remove();
    if (process.getuid?.() !== 0) return;
    systemdHost('down');
    lab('reset');
  });

  test("the guide's symptom: firewalld left up on every host, the servers start but never form an ensemble; install's step 8 then lets them", async (t) => {
    if (!requireLab(t)) return;
    const leftUp = await run(
      'install',
      '-i',
      guideWay,
      '--firewall',
      'skip',
      '--skip-check',
      '--start',
      '--timeout',
      '10',
    );
    assert.equal(leftUp.code, 1, leftUp.stdout + leftUp.stderr);
    const raw = await run('status', '--raw', '-i', guideWay);
    assert.equal(raw.code, 2, raw.stdout);
    // As the guide warns: zkServer.sh status on each host cannot get an answer from its server.
    for (const address of ADDRESSES)
      assert.match(
        raw.stdout,
        new RegExp(
          `${address.replaceAll('.', '\\.')}[\\s\\S]*?Error contacting service\\. It is probably not running\\.`,
        ),
      );
    for (const name of NAMES) assert.equal(inSystemdHost(name, 'systemctl is-active firewalld'), 'active');
  });

  test('from zkServer.sh to systemd: install plans and enables the unit, restart rolls each server onto it', async (t) => {
    if (!requireLab(t)) return;
    const started = await run('install', '-i', guideWay, '--start');
    assert.equal(started.code, 0, started.stdout + started.stderr);
    const before = JSON.parse((await run('status', '--json', '-i', guideWay)).stdout) as StatusJson;
    assert.deepEqual(
      before.hosts.map((h) => h.service),
      ['zkServer.sh', 'zkServer.sh', 'zkServer.sh'],
    );

    // The lab's rule (test/lab/systemd-host.sh, README) is exactly what check --become asks about.
    const become = await run('check', '--become', '--json', '-i', inventory);
    assert.equal(become.code, 0, become.stdout + become.stderr);
    for (const host of (JSON.parse(become.stdout) as CheckJson).hosts) {
      const result = (id: string) => host.results.find((r) => r.id === id);
      assert.equal(result('service')?.status, 'pass', host.name);
      assert.match(
        result('become')?.message ?? '',
        /sudo to root without a password allows each of the 10 commands zkdeploy may run as root/,
      );
    }
    assert.match(
      (await run('check', '--become', '-i', inventory)).stdout,
      /^host\s+ssh\s+java\s+disk\s+ports\s+names\s+network\s+firewall\s+service\s+become$/m,
    );
    const plan = await run('plan', '-i', inventory);
    assert.equal(plan.code, 2, plan.stdout);
    assert.match(plan.stdout, /service.*systemd unit zookeeper\.service, enabled/);
    assert.match(plan.stdout, /\+ExecStart=\/bin\/sh -c 'exec "\$\$0" start-foreground >>"\$\$1" 2>&1' /);
    const installed = await run('install', '-i', inventory);
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.deepEqual(pairsWith(installed.stdout, 'changed'), ADDRESSES.map((a) => `${a} service`).sort());
    for (const name of NAMES) {
      assert.equal(inSystemdHost(name, 'systemctl is-enabled zookeeper.service'), 'enabled', name);
      // Installed, not started: the servers zkServer.sh started still serve until restart rolls them.
      assert.equal(inSystemdHost(name, 'systemctl is-active zookeeper.service || true'), 'inactive', name);
    }
    assertNothingChanged((await run('install', '-i', inventory)).stdout, ADDRESSES);

    const restarted = await run('restart', '-i', inventory);
    assert.equal(restarted.code, 0, restarted.stdout + restarted.stderr);
    const after = await healthyUnderSystemd();
    assert.ok(after, 'not every server runs under systemd after the rolling restart');
    for (const name of NAMES) {
      assert.equal(
        inSystemdHost(name, 'ps -o user= -p "$(systemctl show -p MainPID --value zookeeper.service)"'),
        'admin',
      );
      // zkServer.sh's pid file is gone with the server it named; nothing else runs a JVM.
      assert.equal(inSystemdHost(name, 'pgrep -c java'), '1', name);
    }
  });

  test('a server killed with SIGKILL comes back by itself and rejoins', async (t) => {
    if (!requireLab(t)) return;
    const killed = serverPid('LZY-S2');
    assert.match(killed, /^[1-9]\d*$/);
    inSystemdHost('LZY-S2', `kill -KILL ${killed}`);
    await until(
      async () => !['0', killed].includes(serverPid('LZY-S2')) && Boolean(await healthyUnderSystemd()),
      'LZY-S2 back under systemd, the ensemble healthy',
      60_000,
    );
    assert.match(inSystemdHost('LZY-S2', 'systemctl show -p NRestarts --value zookeeper.service'), /^[1-9]/);
  });

  test('a rebooted host starts its server at boot, and it rejoins', async (t) => {
    if (!requireLab(t)) return;
    systemdHost('reboot', 'LZY-S3');
    await until(
      async () => Boolean(await healthyUnderSystemd()),
      'LZY-S3 serving again after its reboot',
      90_000,
    );
    // firewalld, stopped and disabled by install (the guide's step 8), stayed off across the reboot.
    assert.equal(inSystemdHost('LZY-S3', 'systemctl is-active firewalld || true'), 'inactive');
  });

  test('a host whose sshd closes every login (PAM: /run/nologin, as while it boots) is named, never waited for', async (t) => {
    if (!requireLab(t)) return;
    inSystemdHost('LZY-S3', 'touch /run/nologin');
    try {
      const result = await run('status', '--json', '-i', inventory);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      const row = (JSON.parse(result.stdout) as StatusJson & { hosts: { error?: string }[] }).hosts[2];
      assert.equal(row?.mode, 'unreachable');
      assert.ok(
        row?.error?.includes(`admin@${ADDRESSES[2]}:22 closed the connection during login`),
        row?.error,
      );
    } finally {
      inSystemdHost('LZY-S3', 'rm -f /run/nologin');
    }
  });

  test('stop and start go through systemd; a stopped server stays stopped; status names the service', async (t) => {
    if (!requireLab(t)) return;
    const stopped = await run('stop', '-i', inventory);
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    // Inactive with result "success": a clean stop, which Restart=on-failure never restarts.
    for (const name of NAMES)
      assert.equal(
        inSystemdHost(
          name,
          'systemctl show -p ActiveState --value zookeeper.service; systemctl show -p Result --value zookeeper.service',
        ),
        'inactive\nsuccess',
      );
    assert.ok((await status()).hosts.every((h) => h.mode === 'down'));
    // A restore's swap mark (a run killed mid-swap, then a reboot): systemd starts no server there.
    const marked = 'LZY-S1';
    inSystemdHost(
      marked,
      'echo "restore began" > ~admin/zookeeper/.zkdeploy-swap && systemctl start zookeeper.service',
    );
    assert.equal(
      inSystemdHost(
        marked,
        'systemctl show -p ActiveState --value zookeeper.service; systemctl show -p ConditionResult --value zookeeper.service',
      ),
      'inactive\nno',
    );
    inSystemdHost(marked, 'rm ~admin/zookeeper/.zkdeploy-swap');
    const started = await run('start', '-i', inventory);
    assert.equal(started.code, 0, started.stdout + started.stderr);
    assert.match(started.stdout, /^host\s+myid\s+mode\s+zxid\s+conns\s+version\s+service$/m);
    assert.match(started.stdout, /\s(leader|follower)\s.*\ssystemd$/m);
    assert.ok(await healthyUnderSystemd());
  });

  test('uninstall stops the server, disables and removes the unit; the data stays', async (t) => {
    if (!requireLab(t)) return;
    const removed = await run('uninstall', '-i', inventory);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    for (const name of NAMES) {
      assert.equal(
        inSystemdHost(name, 'test -e /etc/systemd/system/zookeeper.service && echo there || echo gone'),
        'gone',
      );
      assert.equal(inSystemdHost(name, 'pgrep -c java || true'), '0');
      assert.equal(inSystemdHost(name, 'cat ~admin/zookeeper/data/myid'), String(NAMES.indexOf(name) + 1));
    }
    assertNothingChanged((await run('uninstall', '-i', inventory)).stdout, ADDRESSES);
    assert.ok(readFileSync(inventory, 'utf8').startsWith('service: systemd'));
  });

  test('back from systemd to zkServer.sh: install removes the unit, the servers keep serving, restart rolls them off it', async (t) => {
    if (!requireLab(t)) return;
    const again = await run('install', '-i', inventory, '--start');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.ok(await healthyUnderSystemd());
    const removed = await run('install', '-i', guideWay);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.deepEqual(pairsWith(removed.stdout, 'changed'), ADDRESSES.map((a) => `${a} service`).sort());
    for (const name of NAMES)
      assert.equal(
        inSystemdHost(name, 'test -e /etc/systemd/system/zookeeper.service && echo there || echo gone'),
        'gone',
      );
    // systemd keeps running a loaded unit whose file is gone: nothing stopped yet.
    assert.ok((await status()).healthy);
    const restarted = await run('restart', '-i', guideWay);
    assert.equal(restarted.code, 0, restarted.stdout + restarted.stderr);
    const after = JSON.parse((await run('status', '--json', '-i', guideWay)).stdout) as StatusJson;
    assert.ok(after.healthy);
    assert.deepEqual(
      after.hosts.map((h) => h.service),
      ['zkServer.sh', 'zkServer.sh', 'zkServer.sh'],
    );
    assertNothingChanged((await run('install', '-i', guideWay)).stdout, ADDRESSES);
  });

  test("a unit that is not zkdeploy's is never replaced or removed", async (t) => {
    if (!requireLab(t)) return;
    const theirs = "[Unit]\nDescription=an operator's own ZooKeeper\n[Service]\nExecStart=/bin/true\n";
    inSystemdHost('LZY-S1', 'printf "%s" "$1" >/etc/systemd/system/zookeeper.service', theirs);
    const refused = await run('install', '-i', inventory);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stdout, /zookeeper\.service is there and is not zkdeploy's: left alone/);
    assert.deepEqual(pairsWith(refused.stdout, 'failed'), [`${ADDRESSES[0]} service`]);
    // Back to zkServer.sh: zkdeploy's units (on the two other hosts) go, the operator's stays.
    const back = await run('install', '-i', guideWay);
    assert.deepEqual(
      pairsWith(back.stdout, 'changed'),
      ADDRESSES.slice(1).map((a) => `${a} service`),
    );
    assert.equal((await run('uninstall', '-i', guideWay)).code, 0);
    assert.match(
      inSystemdHost('LZY-S1', 'cat /etc/systemd/system/zookeeper.service'),
      /an operator's own ZooKeeper/,
    );
  });
});
