// The guide's step 8 against a real firewalld: four lab hosts and one that boots systemd with
// firewalld active in its default zone (test/lab/systemd-host.sh), its admin allowed by sudo exactly
// the commands zkdeploy runs as root (step 8's two among them).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNothingChanged, pairsWith, scratchDir, zkdeploy } from '../helpers/cli.js';
import { hostIp, inSystemdHost, lab, labKey, labTarball, requireLab, systemdHost } from '../helpers/lab.js';
import { zkdeployInTerminal } from '../helpers/terminal.js';

const firewalldHost = hostIp(50); // SUBNET.60: LZY-S1, named by its address in the inventory
const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';

interface CheckJson {
  hosts: { name: string; results: { id: string; status: string; message: string }[] }[];
}

describe('firewalld on a systemd host (the guide step 8)', () => {
  const cwd = scratchDir();
  const run = (...args: string[]) => zkdeploy(args, { cwd: cwd.path });
  const inventory = join(cwd.path, 'mixed.yaml');
  before(() => {
    if (process.getuid?.() !== 0) return;
    lab('reset');
    systemdHost('up');
    const hosts = [1, 2, 3, 4].map((n) => `  - ${hostIp(n)}`).join('\n');
    writeFileSync(
      inventory,
      `ssh:\n  user: admin\n  identity: ${labKey}\nhosts:\n${hosts}\n  - name: ${firewalldHost}\n    javaHome: ${JAVA_HOME}\n`,
    );
  });
  after(() => {
    cwd.remove();
    if (process.getuid?.() !== 0) return;
    systemdHost('down');
    lab('reset');
  });
  const firewalldState = () =>
    inSystemdHost('LZY-S1', 'systemctl is-active firewalld; systemctl is-enabled firewalld; true');
  const network = (json: CheckJson, host: string) =>
    json.hosts.find((h) => h.name === host)?.results.find((r) => r.id === 'network');

  test('firewalld up: its ports named as rejected; without sudo the firewall check fails and install is refused; with the narrow rule install stops and disables it and the ensemble forms', async (t) => {
    if (!requireLab(t)) return;
    // Left alone (firewall: skip), the blocked ports are what check fails on, named on that host only.
    const leftAlone = join(cwd.path, 'skip.yaml');
    writeFileSync(leftAlone, `firewall: skip\n${readFileSync(inventory, 'utf8')}`);
    const skipped = await run('check', '--json', '-i', leftAlone, '-t', labTarball());
    assert.equal(skipped.code, 2, skipped.stdout + skipped.stderr);
    const blocked = JSON.parse(skipped.stdout) as CheckJson;
    assert.match(
      network(blocked, firewalldHost)?.message ?? '',
      new RegExp(
        `^${firewalldHost.replaceAll('.', '\\.')}:2181 \\(client\\) cannot be reached from any other host \\(rejected, as a firewall does\\)`,
      ),
    );
    for (const n of [1, 2, 3, 4]) assert.equal(network(blocked, hostIp(n))?.status, 'pass', hostIp(n));

    // Without the sudo rule, the firewall check fails naming the ways out, and install is refused.
    systemdHost('exec', 'LZY-S1', '--', 'mv', '/etc/sudoers.d/zkdeploy', '/root/zkdeploy.sudoers');
    try {
      const noSudo = await run('check', '--json', '-i', inventory, '-t', labTarball());
      assert.equal(noSudo.code, 2, noSudo.stdout + noSudo.stderr);
      const firewall = (JSON.parse(noSudo.stdout) as CheckJson).hosts
        .find((h) => h.name === firewalldHost)
        ?.results.find((r) => r.id === 'firewall');
      assert.equal(firewall?.status, 'fail');
      assert.match(
        firewall?.message ?? '',
        /firewalld is active\/enabled and this user cannot run sudo without a password/,
      );
      const refused = await run('install', '-i', inventory, '-t', labTarball());
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /install refused: a preflight check failed; nothing was changed/);
    } finally {
      systemdHost('exec', 'LZY-S1', '--', 'mv', '/root/zkdeploy.sudoers', '/etc/sudoers.d/zkdeploy');
    }

    // The guide's way (disable): expected, a warning; install's firewall step opens the way.
    const checked = await run('check', '--json', '-i', inventory, '-t', labTarball());
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.match(
      network(JSON.parse(checked.stdout) as CheckJson, firewalldHost)?.message ?? '',
      /^ports 2181, 2888, 3888 blocked now by its firewall; install stops and disables firewalld/,
    );
    const installed = await run('install', '-i', inventory, '-t', labTarball(), '--start');
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.match(
      installed.stdout,
      new RegExp(`^${firewalldHost.replaceAll('.', '\\.')}(\\s+changed){9}$`, 'm'),
    );
    assert.equal(firewalldState(), 'inactive\ndisabled');
    const status = await run('status');
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/m);
    // Again: nothing to change, firewalld included.
    const again = await run('install');
    assert.equal(again.code, 0, again.stdout);
    assertNothingChanged(again.stdout, [...[1, 2, 3, 4].map(hostIp), firewalldHost]);
  });

  // The rule LZY-S1's admin has now, put back after each test that replaces it.
  const labRule = () => systemdHost('exec', 'LZY-S1', '--', 'cat', '/etc/sudoers.d/zkdeploy');
  const setRule = (rule: string) =>
    inSystemdHost(
      'LZY-S1',
      'printf "%s\\n" "$1" >/etc/sudoers.d/zkdeploy && visudo -cqf /etc/sudoers.d/zkdeploy',
      rule,
    );
  const becomeFix = (stdout: string) =>
    (JSON.parse(stdout) as CheckJson).hosts
      .find((h) => h.name === firewalldHost)
      ?.results.find((r) => r.id === 'become') as
      | { status: string; message: string; fix?: string }
      | undefined;
  const listPorts = (permanent: boolean) =>
    systemdHost(
      'exec',
      'LZY-S1',
      '--',
      'firewall-cmd',
      ...(permanent ? ['--permanent'] : []),
      '--list-ports',
    );

  test("--firewall open-ports: firewalld kept on, exactly the three ports opened in the interface's zone under the rule check --become prints, the ensemble whole", async (t) => {
    if (!requireLab(t)) return;
    // Continues from the test before: five servers serve. LZY-S1's firewalld comes back on (as an
    // operator would turn it on again) with its server stopped, and ZooKeeper's ports closed.
    const openPorts = join(cwd.path, 'open-ports.yaml');
    writeFileSync(openPorts, `firewall: open-ports\n${readFileSync(inventory, 'utf8')}`);
    assert.equal((await run('stop', '-i', openPorts, '--hosts', firewalldHost)).code, 0);
    systemdHost('exec', 'LZY-S1', '--', 'systemctl', 'enable', '--now', 'firewalld');
    assert.equal(listPorts(false), '');
    const before = labRule();
    try {
      // The lab's rule allows no firewall-cmd: check --become names exactly what to grant.
      const refused = await run('check', '--become', '--json', '-i', openPorts, '-t', labTarball());
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      const fix = becomeFix(refused.stdout)?.fix ?? '';
      const rule =
        /: (admin ALL=\(root\) NOPASSWD: \/usr\/bin\/firewall-cmd .*?); or pass --ask-become-pass$/.exec(
          fix,
        )?.[1];
      assert.ok(rule, fix);
      assert.doesNotMatch(rule, /systemctl/, 'open-ports never stops firewalld');
      setRule(rule);
      const granted = await run('check', '--become', '--json', '-i', openPorts, '-t', labTarball());
      assert.equal(granted.code, 0, granted.stdout + granted.stderr);
      assert.equal(becomeFix(granted.stdout)?.status, 'pass');

      const installed = await run('install', '-i', openPorts, '-t', labTarball(), '--start');
      assert.equal(installed.code, 0, installed.stdout + installed.stderr);
      assert.deepEqual(pairsWith(installed.stdout, 'changed'), [
        `${firewalldHost} firewall`,
        `${firewalldHost} start`,
      ]);
      assert.equal(systemdHost('exec', 'LZY-S1', '--', 'systemctl', 'is-active', 'firewalld'), 'active');
      // eth0 has no zone of its own: the default zone (public) holds exactly ZooKeeper's three ports,
      // at runtime and permanently.
      assert.equal(systemdHost('exec', 'LZY-S1', '--', 'firewall-cmd', '--get-default-zone'), 'public');
      assert.equal(listPorts(false), '2181/tcp 2888/tcp 3888/tcp');
      assert.equal(listPorts(true), '2181/tcp 2888/tcp 3888/tcp');
      const status = await run('status', '-i', openPorts);
      assert.match(status.stdout, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/m);
      assertNothingChanged((await run('install', '-i', openPorts, '-t', labTarball())).stdout, [
        ...[1, 2, 3, 4].map(hostIp),
        firewalldHost,
      ]);
    } finally {
      setRule(before);
    }
  });

  test('--ask-become-pass: under a rule that asks for the password, install stops and disables firewalld with it, the password never shown', async (t) => {
    if (!requireLab(t)) return;
    // Continues from the test before: firewalld on with the ports open. The guide's way again, with
    // a password: admin gets one, and the rule check --become prints for it (no NOPASSWD).
    const becomePassword = 'lab-become-5c1e';
    inSystemdHost('LZY-S1', 'echo "admin:$1" | chpasswd', becomePassword);
    const before = labRule();
    const withPassword = (args: string[], stdoutTo: string) =>
      zkdeployInTerminal(
        [...args, '-i', inventory, '--ask-become-pass'],
        [{ prompt: /BECOME password.*: $/, answer: becomePassword }],
        {
          cwd: cwd.path,
          stdoutTo,
        },
      );
    try {
      setRule('admin ALL=(root) /usr/bin/true');
      const refusedOut = join(cwd.path, 'become-refused.json');
      await withPassword(['check', '--become', '--json', '-t', labTarball()], refusedOut);
      const fix = becomeFix(readFileSync(refusedOut, 'utf8'))?.fix ?? '';
      const rule =
        /: (admin ALL=\(root\) \/usr\/bin\/systemctl stop firewalld, \/usr\/bin\/systemctl disable firewalld); and check the sudo password$/.exec(
          fix,
        )?.[1];
      assert.ok(rule, fix);
      setRule(rule);
      const installOut = join(cwd.path, 'install-with-password.txt');
      const installed = await withPassword(['install'], installOut);
      assert.equal(installed.code, 0, installed.output);
      const stdout = readFileSync(installOut, 'utf8');
      assert.deepEqual(pairsWith(stdout, 'changed'), [`${firewalldHost} firewall`]);
      assert.ok(!`${installed.output}${stdout}`.includes(becomePassword), 'the password was shown');
      assert.equal(firewalldState(), 'inactive\ndisabled');
    } finally {
      setRule(before);
    }
  });
});
