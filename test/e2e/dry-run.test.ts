// --dry-run on every command that changes hosts: each says what it would do, and nothing on any host
// changes (no file's mtime, size or mode under the home, /tmp or /var/tmp; the same JVMs run).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite } from '../helpers/cli.js';
import { hostNumbers, hostSnapshot, labTarball, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const snapshots = () => hostNumbers().map(hostSnapshot);

describe('dry runs change nothing', () => {
  const { run } = labSuite();

  test('install, start, stop, restart, uninstall and uninstall --purge-data: exit 2, hosts untouched', async (t) => {
    if (!requireLab(t)) return;
    // A fresh machine: install --dry-run may not even create a directory.
    const fresh = snapshots();
    const dryInstall = await run('install', '--dry-run', '-i', inventory, '-t', labTarball());
    assert.equal(dryInstall.code, 2, dryInstall.stdout + dryInstall.stderr);
    assert.deepEqual(snapshots(), fresh, 'install --dry-run touched a host');

    // Installed and stopped: start --dry-run starts nothing.
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    const installed = snapshots();
    const dryStart = await run('start', '--dry-run');
    assert.equal(dryStart.code, 2, dryStart.stdout);
    assert.deepEqual(snapshots(), installed, 'start --dry-run touched a host');

    // Running: stop, restart and uninstall (with or without the purge) only say what they would do.
    assert.equal((await run('start')).code, 0);
    const running = snapshots();
    assert.ok(
      running.every((s) => /jvms: \d+/.test(s)),
      'the ensemble is not running',
    );
    for (const args of [
      ['stop', '--dry-run'],
      ['restart', '--dry-run'],
      ['uninstall', '--dry-run'],
      ['uninstall', '--purge-data', '--yes', '--dry-run'],
    ]) {
      const dry = await run(...args);
      assert.equal(dry.code, 2, `${args.join(' ')}: ${dry.stdout}${dry.stderr}`);
      assert.deepEqual(snapshots(), running, `${args.join(' ')} touched a host`);
    }
  });
});
