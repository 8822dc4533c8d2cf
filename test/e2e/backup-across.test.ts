// A backup of the guide's 3.4.9 ensemble restored into a fresh 3.8.0 ensemble on the same hosts
// (data purged, 3.8.0 installed, not yet started): 3.8.0 reads 3.4's files, and every server shows
// the backed-up tree. The other way round (3.8 into 3.4) is refused before anything changes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite } from '../helpers/cli.js';
import { hostIp, hostNumbers, labTarball, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { zkClient } from '../helpers/zk-client.js';
import { readTree, treeOnEachServer, writeSampleTree } from '../helpers/znode-tree.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const old = labTarball('zookeeper-3.4.9.tar.gz');
const target = labTarball('apache-zookeeper-3.8.0-bin.tar.gz');

describe('restore across releases', () => {
  const { run, cwd } = labSuite();

  test('a 3.4.9 backup restores into a fresh 3.8.0 ensemble, the same tree on every server; 3.8.0 into 3.4.9 is refused', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', old, '--start')).code, 0);
    const client = await zkClient(hostNumbers().map((n) => `${hostIp(n)}:2181`));
    await writeSampleTree(client, '/app');
    const before = new Map([...(await readTree(client, '/app'))].filter(([, z]) => !z.ephemeral));
    client.close();
    const backup = await run('backup', '-o', join(cwd, 'backups'));
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    const dir = /^backup: (\S+)$/m.exec(backup.stdout)?.[1] ?? '';

    assert.equal((await run('uninstall', '--purge-data', '--yes')).code, 0);
    assert.equal((await run('install', '-t', target)).code, 0);
    const restored = await run('restore', dir, '--yes');
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /backup of lzy from LZY-0\d \(3\.4\.9\)/);
    const status = await run('status');
    assert.equal(status.code, 0, status.stdout);
    assert.equal((status.stdout.match(/ 3\.8\.0 /g) ?? []).length, 5, status.stdout);
    for (const [server, tree] of await treeOnEachServer('/app')) {
      assert.deepEqual(new Map([...tree].filter(([, z]) => !z.ephemeral)), before, `the tree on ${server}`);
    }

    // A 3.8.0 backup is not restored into 3.4.9: refused, nothing changed.
    const newer = await run('backup', '-o', join(cwd, 'backups-3.8'));
    assert.equal(newer.code, 0, newer.stdout + newer.stderr);
    assert.equal((await run('uninstall', '--purge-data', '--yes')).code, 0);
    assert.equal((await run('install', '-t', old)).code, 0);
    const refused = await run('restore', /^backup: (\S+)$/m.exec(newer.stdout)?.[1] ?? '', '--yes');
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /runs 3\.4\.9, older than the backup's 3\.8\.0/);
  });
});
