// zkdeploy uninstall on the lab: what install put there goes; the data stays unless purged.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertNothingChanged, labSuite, pairsWith } from '../helpers/cli.js';
import {
  asAdmin,
  hostIp,
  hostNumbers,
  inHost,
  labTarball,
  lzyHosts,
  releaseHome,
  requireLab,
} from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { onServer, readOn, zk } from '../helpers/zk-client.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');

describe('uninstall', () => {
  const { run } = labSuite();

  test('removes release and profile block, keeps data; install and start then serve the old znodes', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    asAdmin(1, 'echo "export EDITOR=vi" >> ~/.bash_profile');
    assert.equal((await run('start')).code, 0);
    await onServer(hostIp(3), (c) => zk.create(c, '/survives-uninstall', 'yes'));

    const dry = await run('uninstall', '--dry-run');
    assert.equal(dry.code, 2, dry.stdout);
    assert.equal(asAdmin(2, `test -d ${releaseHome} && echo still`).trim(), 'still');

    const result = await run('uninstall');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(pairsWith(result.stdout, 'changed').length, 15);
    assert.match(result.stdout, /^kept: ~\/zookeeper\/data, ~\/zookeeper\/logs/m);
    for (const n of hostNumbers()) {
      assert.equal(inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim(), '');
      assert.equal(
        asAdmin(n, 'ls ~/zookeeper').split('\n').filter(Boolean).sort().join(' '),
        'data logs server-logs',
      );
      assert.doesNotMatch(asAdmin(n, 'cat ~/.bash_profile'), /zkdeploy|ZOOKEEPER_HOME/);
      assert.equal(asAdmin(n, 'cat ~/zookeeper/data/myid'), `${n}\n`);
    }
    assert.match(asAdmin(1, 'cat ~/.bash_profile'), /^export EDITOR=vi$/m);

    const again = await run('uninstall');
    assert.equal(again.code, 0);
    assertNothingChanged(again.stdout, lzyHosts);

    assert.equal((await run('install')).code, 0);
    assert.equal((await run('start')).code, 0);
    assert.equal(await readOn(hostIp(5), '/survives-uninstall', 'yes'), 'yes');
  });

  test('--purge-data needs a confirmation: without a terminal and --yes it is refused, nothing changed', async (t) => {
    if (!requireLab(t)) return;
    const refused = await run('uninstall', '--purge-data');
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /--purge-data deletes every ZooKeeper data directory.*\n.*--yes/);
    assert.equal(asAdmin(4, `test -d ${releaseHome} && cat ~/zookeeper/data/myid`), '4\n');

    const purged = await run('uninstall', '--purge-data', '--yes');
    assert.equal(purged.code, 0, purged.stdout);
    for (const n of hostNumbers()) assert.equal(asAdmin(n, 'ls -A ~/zookeeper | wc -l').trim(), '0');
  });
});
