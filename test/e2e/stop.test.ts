// zkdeploy stop on the lab: every server stopped at once, confirmed by its port; data kept.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertNothingChanged, labSuite, pairsWith } from '../helpers/cli.js';
import { asAdmin, hostIp, hostNumbers, inHost, labTarball, lzyHosts, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { onServer, readOn, zk } from '../helpers/zk-client.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');

describe('stop', () => {
  const { run } = labSuite();

  test('stops every server, confirmed by its port; again is nothing to do; data survives a restart', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    assert.equal((await run('start')).code, 0);
    await onServer(hostIp(2), (c) => zk.create(c, '/kept-across-stop', 'yes'));

    // Dry runs say what would happen and change nothing: the same JVMs keep running.
    const pids = () => hostNumbers().map((n) => inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim());
    const running = pids();
    const dryStop = await run('stop', '--dry-run');
    assert.equal(dryStop.code, 2, dryStop.stdout);
    assert.equal(dryStop.stdout.match(/would-change/g)?.length, 5);
    const dryRestart = await run('restart', '--dry-run');
    assert.equal(dryRestart.code, 2, dryRestart.stdout);
    assert.match(dryRestart.stdout, /^order: (LZY-0\d → ){4}LZY-0\d \(leader\)$/m);
    assert.deepEqual(pids(), running, 'a dry run restarted or stopped a server');

    const stopped = await run('stop');
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    assert.equal(pairsWith(stopped.stdout, 'changed').length, 5);
    for (const n of hostNumbers()) {
      assert.equal(
        inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim(),
        '',
        `a JVM is left on host ${n}`,
      );
      assert.equal(
        inHost(n, 'exec 3<>/dev/tcp/127.0.0.1/2181 2>/dev/null && echo open || echo closed').trim(),
        'closed',
      );
      assert.equal(asAdmin(n, 'test -d ~/zookeeper/data/version-2 && cat ~/zookeeper/data/myid'), `${n}\n`);
    }
    const status = await run('status');
    assert.equal(status.code, 2);
    assert.match(status.stdout, /^unhealthy: 5 down \(quorum 3 of 5: lost\)$/m);

    const again = await run('stop');
    assert.equal(again.code, 0);
    assertNothingChanged(again.stdout, lzyHosts);
    const dryStart = await run('start', '--dry-run');
    assert.equal(dryStart.code, 2, dryStart.stdout);
    assert.deepEqual(pids(), ['', '', '', '', ''], 'start --dry-run started a server');

    assert.equal((await run('start')).code, 0);
    assert.equal(await readOn(hostIp(4), '/kept-across-stop', 'yes'), 'yes');
  });
});
