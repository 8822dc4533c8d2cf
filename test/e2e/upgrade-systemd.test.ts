// The upgrade under systemd (test/lab/systemd-host.sh): the unit follows the release, up to 3.8.0 and
// back, every server supervised throughout. Apart from e2e/upgrade so the two run on two labs at once.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite } from '../helpers/cli.js';
import { hostIp, inSystemdHost, labKey, labTarball, requireLab, systemdHost } from '../helpers/lab.js';

const old = labTarball('zookeeper-3.4.9.tar.gz');
const target = labTarball('apache-zookeeper-3.8.0-bin.tar.gz');

describe('upgrade and rollback under systemd', () => {
  const { run, cwd } = labSuite();

  test('under systemd: the unit follows the release, up to 3.8.0 and back, every server supervised throughout', async (t) => {
    if (!requireLab(t)) return;
    systemdHost('up', '3');
    try {
      const addresses = [50, 51, 52].map(hostIp);
      const inventoryFile = join(cwd, 'systemd-upgrade.yaml');
      writeFileSync(
        inventoryFile,
        `service: systemd\nssh:\n  user: admin\n  identity: ${labKey}\nzookeeper:\n  javaHome: /usr/lib/jvm/java-17-openjdk-amd64\n  tarball: ${old}\nhosts:\n${addresses.map((a) => `  - ${a}`).join('\n')}\n`,
      );
      const installed = await run('install', '-i', inventoryFile, '--start');
      assert.equal(installed.code, 0, installed.stdout + installed.stderr);
      const underSystemd = async (version: string) => {
        const now = JSON.parse((await run('status', '--json', '-i', inventoryFile)).stdout) as {
          healthy: boolean;
          hosts: { service?: string; version?: string }[];
        };
        assert.ok(now.healthy, JSON.stringify(now));
        assert.deepEqual(
          now.hosts.map((h) => `${h.service} ${h.version}`),
          addresses.map(() => `systemd ${version}`),
        );
      };
      const execStart = () =>
        inSystemdHost('LZY-S1', 'grep ^ExecStart= /etc/systemd/system/zookeeper.service');
      const up = await run('upgrade', '-i', inventoryFile, '-t', target);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      await underSystemd('3.8.0');
      assert.match(execStart(), /apache-zookeeper-3\.8\.0-bin\/bin\/zkServer\.sh/);
      const back = await run('rollback', '-i', inventoryFile);
      assert.equal(back.code, 0, back.stdout + back.stderr);
      await underSystemd('3.4.9');
      assert.match(execStart(), /zookeeper-3\.4\.9\/bin\/zkServer\.sh/);
    } finally {
      systemdHost('down');
    }
  });
});
