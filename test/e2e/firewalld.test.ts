// The guide's step 8 against a real firewalld: four lab hosts and one that boots systemd with
// firewalld active in its default zone (test/lab/systemd-host.sh), its admin allowed by sudo exactly
// the commands zkdeploy runs as root (step 8's two among them).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNothingChanged, scratchDir, zkdeploy } from '../helpers/cli.js';
import { hostIp, lab, labKey, labTarball, requireLab, systemdHost } from '../helpers/lab.js';

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
      assert.match(refused.stderr, /install refused: a preflight check failed, nothing was changed/);
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
    assert.equal(
      systemdHost(
        'exec',
        'LZY-S1',
        '--',
        'bash',
        '-c',
        'systemctl is-active firewalld; systemctl is-enabled firewalld; true',
      ),
      'inactive\ndisabled',
    );
    const status = await run('status');
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/m);
    // Again: nothing to change, firewalld included.
    const again = await run('install');
    assert.equal(again.code, 0, again.stdout);
    assertNothingChanged(again.stdout, [...[1, 2, 3, 4].map(hostIp), firewalldHost]);
  });
});
