// A backup of the guide's five-server 3.4.9 ensemble restored into a new ensemble: three other
// servers (LZY-03..05 as myid 1..3, data purged, 3.8.0 installed and started with other data):
// 3.8.0 reads 3.4's files, every server shows the backed-up tree and keeps its own myid. The other
// way round (3.8 into 3.4) is refused before anything changes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite } from '../helpers/cli.js';
import { asAdmin, hostIp, hostNumbers, labTarball, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { zkClient } from '../helpers/zk-client.js';
import { existsOnEachServer, readTree, treeOnEachServer, writeSampleTree } from '../helpers/znode-tree.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const old = labTarball('zookeeper-3.4.9.tar.gz');
const target = labTarball('apache-zookeeper-3.8.0-bin.tar.gz');

describe('restore across releases', () => {
  const { run, cwd } = labSuite();

  test('a 3.4.9 backup of five servers restores into a new 3.8.0 ensemble of three other servers, the same tree on each, myids kept; 3.8.0 into 3.4.9 is refused', async (t) => {
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
    const three = join(cwd, 'three.yaml');
    writeFileSync(
      three,
      readFileSync(inventory, 'utf8').replace(
        /^hosts:[\s\S]*$/m,
        'hosts:\n  - { name: LZY-03, myid: 1 }\n  - { name: LZY-04, myid: 2 }\n  - { name: LZY-05, myid: 3 }\n',
      ),
    );
    assert.equal((await run('install', '-i', three, '-t', target, '--start')).code, 0);
    const other = await zkClient([`${hostIp(3)}:2181`]);
    await new Promise<void>((res, rej) =>
      other.create('/other', Buffer.from('x'), (e) => (e ? rej(e) : res())),
    );
    other.close();
    const restored = await run('restore', dir, '--yes', '-i', three);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /backup of lzy from LZY-0\d \(3\.4\.9\)/);
    assert.match(restored.stdout, /onto LZY-03, LZY-04, LZY-05/);
    const status = await run('status', '-i', three);
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /healthy: 1 leader, 2 followers/);
    assert.equal((status.stdout.match(/ 3\.8\.0 /g) ?? []).length, 3, status.stdout);
    for (const [server, tree] of await treeOnEachServer('/app', [3, 4, 5])) {
      assert.deepEqual(new Map([...tree].filter(([, z]) => !z.ephemeral)), before, `the tree on ${server}`);
    }
    assert.deepEqual(await existsOnEachServer('/other', [3, 4, 5]), [false, false, false]);
    assert.deepEqual(
      [3, 4, 5].map((n) => asAdmin(n, 'cat ~/zookeeper/data/myid').trim()),
      ['1', '2', '3'],
      'a server took a myid from the backup',
    );

    // A 3.8.0 backup is not restored into 3.4.9: refused, nothing changed.
    const newer = await run('backup', '-i', three, '-o', join(cwd, 'backups-3.8'));
    assert.equal(newer.code, 0, newer.stdout + newer.stderr);
    assert.equal((await run('uninstall', '-i', three, '--purge-data', '--yes')).code, 0);
    assert.equal((await run('install', '-i', inventory, '-t', old)).code, 0);
    const refused = await run('restore', /^backup: (\S+)$/m.exec(newer.stdout)?.[1] ?? '', '--yes');
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /runs 3\.4\.9, older than the backup's 3\.8\.0/);
  });
});
