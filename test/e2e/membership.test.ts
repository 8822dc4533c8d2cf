// Membership on a seven-host lab under a client writing throughout: 5 → 7 → 5 → 3 servers, one at a
// time, each step healthy with every acknowledged write on every remaining server, never two leaders
// of different epochs at one poll; plan shows each step before it; install never rewrites the list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { labSuite, zkdeploy } from '../helpers/cli.js';
import { asAdmin, hostIp, hostName, hostNumbers, inHost, labTarball, requireLab } from '../helpers/lab.js';
import { childrenOnEachServer, startLiveWriter } from '../helpers/live-writer.js';
import { labScript } from '../helpers/paths.js';
import { until } from '../helpers/wait.js';
import { srvrMode } from '../helpers/zk-client.js';

/** Brings the lab up with `hosts` hosts (it rebuilds when the count differs). */
function labWith(hosts: number): void {
  const result = spawnSync('bash', [labScript, 'up'], {
    encoding: 'utf8',
    env: { ...process.env, ZKLAB_HOSTS: String(hosts) },
  });
  if (result.status !== 0)
    throw new Error(`lab.sh up (${hosts} hosts) failed:\n${result.stdout}${result.stderr}`);
}

describe('membership: 5 → 7 → 5 → 3, one server at a time', () => {
  before(() => {
    if (process.getuid?.() === 0) labWith(7);
  });
  after(() => {
    if (process.getuid?.() === 0) labWith(5);
  });
  const { run, cwd } = labSuite();
  // One inventory file, edited from step to step as its user would (its audit log is the file's).
  const inventoryOf = (count: number) => {
    const file = join(cwd, 'lzy.yaml');
    const hosts = hostNumbers(count)
      .map((n) => `  - name: ${hostName(n)}`)
      .join('\n');
    writeFileSync(file, `ssh:\n  user: admin\nzookeeper:\n  tarball: ${labTarball()}\nhosts:\n${hosts}\n`);
    return file;
  };

  test('each step planned, then made under ~40 writes/s: healthy, nothing lost on any remaining server, never two leaders', async (t) => {
    if (!requireLab(t)) return;
    const five = inventoryOf(5);
    assert.equal((await run('install', '-i', five, '--start')).code, 0);
    const writer = await startLiveWriter('/membership-test', 7);
    try {
      const remainingHave = async (count: number) => {
        const acked = writer.acked();
        await until(
          async () =>
            [...(await childrenOnEachServer('/membership-test', hostNumbers(count))).values()].every((c) =>
              acked.every((a) => c.has(a)),
            ),
          `every acknowledged write on each of the ${count} servers`,
          20_000,
        );
      };
      const steps: string[] = [];
      const scaleTo = async (
        count: number,
        says: RegExp[],
        inventory = inventoryOf(count),
        healthy = `1 leader, ${count - 1} followers`,
        scaleAlsoSays: RegExp[] = [],
      ) => {
        const plan = await run('plan', '-i', inventory);
        assert.equal(plan.code, 2, plan.stdout + plan.stderr);
        for (const line of says) assert.match(plan.stdout, line);
        const dry = await run('scale', '-i', inventory, '--dry-run');
        assert.equal(dry.code, 2, dry.stdout + dry.stderr);
        const began = Date.now();
        const scaled = await run('scale', '-i', inventory);
        assert.equal(scaled.code, 0, scaled.stdout + scaled.stderr);
        for (const line of [...says, ...scaleAlsoSays])
          assert.match(scaled.stdout, line, 'scale did what plan said');
        assert.match(
          scaled.stderr,
          /^LZY-0\d\s+[+-]LZY-0\d \d\/\d \((follower|leader)\): changed/m,
          "a server's turn in the roll is named",
        );
        const status = await run('status', '-i', inventory);
        assert.equal(status.code, 0, status.stdout);
        assert.match(status.stdout, new RegExp(`healthy: ${healthy}`));
        await remainingHave(count);
        const again = await run('plan', '-i', inventory);
        assert.doesNotMatch(again.stdout, /membership:/, 'a membership change left after scale');
        steps.push(`${count} servers in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      };

      // The inventory grows to seven: install refuses to rewrite the list of a running ensemble.
      const refused = await run('install', '-i', inventoryOf(7));
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(
        refused.stderr,
        /install refused: the inventory changes the running ensemble's servers \(5 → 7\)/,
      );
      assert.match(refused.stderr, /zkdeploy scale/);
      assert.equal(asAdmin(6, 'ls ~/zookeeper 2>/dev/null || true').trim(), '', 'install changed LZY-06');
      // With a server of the ensemble down, a step could lose the quorum: refused.
      asAdmin(5, `~/zookeeper/*/bin/zkServer.sh stop >/dev/null 2>&1`);
      await until(
        async () =>
          (await Promise.all([1, 2, 3, 4].map((n) => srvrMode(hostIp(n), 2181, 300)))).includes('leader'),
        'the other four to serve',
        // An election with a server gone takes seconds, more on 3.8.0 beside another 7-host lab.
        60_000,
      );
      const short = await run('scale', '-i', inventoryOf(7));
      assert.equal(short.code, 1, short.stdout + short.stderr);
      assert.match(
        short.stdout,
        /LZY-05: server\.5 is down: a membership step with a server down could lose the quorum/,
      );
      assert.equal((await run('start', '-i', inventoryOf(5))).code, 0);
      // A host that joins with another ensemble's state is refused before anything changes.
      asAdmin(7, 'mkdir -p ~/zookeeper/data && echo 3 > ~/zookeeper/data/myid');
      const stale = await run('scale', '-i', inventoryOf(7));
      assert.equal(stale.code, 1, stale.stdout + stale.stderr);
      assert.match(
        stale.stdout,
        /LZY-07: its data\/myid says "3", the inventory 7: it would join with state that is not this ensemble's/,
      );
      asAdmin(7, 'rm -rf ~/zookeeper');

      // Killed (a dead laptop) as its roll onto the six-server list reaches LZY-02: LZY-06 serves with
      // six, some servers with five. The next scale finishes that step first, then goes on.
      const killed = await zkdeploy(['scale', '-i', inventoryOf(7)], {
        cwd,
        env: { ZKDEPLOY_TEST_KILL_AT: '+LZY-06@LZY-02' },
      });
      assert.equal(killed.code, null, `not killed: ${killed.stdout}${killed.stderr}`);
      // Half-done, the running servers hold two lists. An install of the five-server inventory (the
      // list most of them run) would write it under LZY-06, running with six, and hide the split
      // from every later run: refused, naming scale; plan shows the unfinished step.
      const halfDone = await run('install', '-i', inventoryOf(5));
      assert.equal(halfDone.code, 1, halfDone.stdout + halfDone.stderr);
      assert.match(
        halfDone.stderr,
        /install refused: a zkdeploy scale stopped midway through "remove LZY-06"/,
      );
      assert.match(halfDone.stderr, /zkdeploy scale finishes the step/);
      assert.match(asAdmin(6, 'cat ~/zookeeper/*/conf/zoo.cfg'), /^server\.6=/m, 'install rewrote LZY-06');
      const halfPlan = await run('plan', '-i', inventoryOf(7));
      assert.equal(halfPlan.code, 2, halfPlan.stdout + halfPlan.stderr);
      assert.match(
        halfPlan.stdout,
        /a scale stopped midway through "add LZY-06": .*still on the list before it/,
      );
      await scaleTo(
        7,
        [
          /^ {2}1\. add LZY-06 \(server\.6\): 5 → 6 servers, quorum 3 → 4, tolerating 2 → 2 failures; 6 is even/m,
          /^ {2}2\. add LZY-07 \(server\.7\): 6 → 7 servers, quorum 4 → 4, tolerating 2 → 3 failures$/m,
        ],
        inventoryOf(7),
        '1 leader, 6 followers',
        [
          /^a scale stopped midway: add LZY-06 \(server\.6\): 5 → 6 servers.*; (LZY-0\d, )*LZY-02(, LZY-0\d)* still on the list before it/m,
        ],
      );
      await scaleTo(5, [
        /^ {2}1\. remove LZY-06 \(server\.6\): 7 → 6 servers, quorum 4 → 4, tolerating 3 → 2 failures; 6 is even/m,
        /^ {2}2\. remove LZY-07 \(server\.7\): 6 → 5 servers, quorum 4 → 3, tolerating 2 → 2 failures$/m,
      ]);
      // The servers taken out are stopped, their data kept.
      for (const n of [6, 7]) {
        assert.equal(
          inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim(),
          '',
          `${hostName(n)} still runs`,
        );
        assert.match(asAdmin(n, 'ls ~/zookeeper/data'), /myid/);
      }
      // A server taken out that runs again with its old list is found by plan and stopped by scale.
      asAdmin(7, '~/zookeeper/*/bin/zkServer.sh start >/dev/null 2>&1');
      await until(
        () => inHost(7, 'pgrep -u admin -f QuorumPeerMain || true').trim() !== '',
        'LZY-07 to run again',
        10_000,
      );
      const found = await run('plan', '-i', inventoryOf(5));
      assert.equal(found.code, 2, found.stdout + found.stderr);
      assert.match(
        found.stdout,
        /LZY-07 left the ensemble in an earlier zkdeploy scale, but its server runs again/,
      );
      // Not before the preflight: with a server of the five down, scale refuses and stops nothing.
      assert.equal((await run('stop', '-i', inventoryOf(5), '--hosts', 'LZY-03')).code, 0);
      const downRefused = await run('scale', '-i', inventoryOf(5));
      assert.equal(downRefused.code, 1, downRefused.stdout + downRefused.stderr);
      assert.match(downRefused.stdout, /LZY-03.*server\.3 is .*a membership step with a server down/);
      assert.notEqual(
        inHost(7, 'pgrep -u admin -f QuorumPeerMain || true').trim(),
        '',
        'LZY-07 was stopped by a scale that then refused',
      );
      const back = await run('start', '-i', inventoryOf(5), '--hosts', 'LZY-03');
      assert.equal(back.code, 0, back.stdout + back.stderr);
      // LZY-06, taken out too, now serves another ensemble (its list names only itself): not ours.
      asAdmin(
        6,
        "cd ~/zookeeper/*/conf && sed -i '/^server\\./d' zoo.cfg && echo 'server.6=LZY-06:2888:3888' >> zoo.cfg && ../bin/zkServer.sh start >/dev/null 2>&1",
      );
      await until(async () => (await srvrMode(hostIp(6))) !== 'none', 'LZY-06 to serve on its own', 30_000);
      const stopped = await run('scale', '-i', inventoryOf(5));
      assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
      assert.match(
        stopped.stdout,
        /LZY-07 left the ensemble in an earlier scale and runs again with its old list: stopping it \(its data kept\)/,
      );
      assert.match(
        stopped.stdout,
        /LZY-06 left the ensemble in an earlier scale; the ZooKeeper running there lists another ensemble \(server\.6=LZY-06\): left alone/,
      );
      assert.equal(inHost(7, 'pgrep -u admin -f QuorumPeerMain || true').trim(), '');
      assert.notEqual(inHost(6, 'pgrep -u admin -f QuorumPeerMain || true').trim(), '', 'LZY-06 was stopped');
      const quiet = await run('plan', '-i', inventoryOf(5));
      assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
      assert.match(
        quiet.stdout,
        /LZY-06 .*lists another ensemble \(server\.6=LZY-06\): not this ensemble's, left alone/,
      );
      asAdmin(6, '~/zookeeper/*/bin/zkServer.sh stop >/dev/null 2>&1');

      await scaleTo(3, [
        /remove LZY-04 \(server\.4\): 5 → 4 servers/,
        /remove LZY-05 \(server\.5\): 4 → 3 servers/,
      ]);

      // An observer the same way: LZY-04 still holds its old data, which is refused until purged.
      const observed = inventoryOf(3);
      writeFileSync(observed, `${readFileSync(observed, 'utf8')}  - name: LZY-04\n    observer: true\n`);
      const oldData = await run('scale', '-i', observed);
      assert.equal(oldData.code, 1, oldData.stdout + oldData.stderr);
      assert.match(oldData.stdout, /LZY-04: it holds \d+ snapshot and log files from before/);
      const purged = await run('uninstall', '-i', observed, '--hosts', 'LZY-04', '--purge-data', '--yes');
      assert.equal(purged.code, 0, purged.stdout + purged.stderr);
      await scaleTo(
        4,
        [
          /^ {2}1\. add LZY-04 \(server\.4, observer\): 3 voting servers, quorum 2, tolerating 1 failures, unchanged$/m,
        ],
        observed,
        '1 leader, 2 followers, 1 observer',
      );
      assert.match(asAdmin(4, 'cat ~/zookeeper/*/conf/zoo.cfg'), /^peerType=observer$/m);
      assert.match(asAdmin(1, 'cat ~/zookeeper/*/conf/zoo.cfg'), /^server\.4=LZY-04:2888:3888:observer$/m);
      await scaleTo(3, [/^ {2}1\. remove LZY-04 \(server\.4, observer\)/m]);

      const report = await writer.stop();
      assert.deepEqual(report.failed, [], 'a write failed (after the ConnectionLoss retries)');
      assert.deepEqual(report.twoLeaders, [], 'two servers led with different epochs at one poll');
      assert.ok(
        report.acked.length > 300,
        `the client wrote throughout (${report.acked.length} acknowledged)`,
      );
      t.diagnostic(
        `${steps.join('; ')}; ${report.acked.length} writes, 0 failed, 0 lost, ${report.connectionLosses.length} ConnectionLoss retried, longest without a leader ${report.longestLeaderGap} ms`,
      );
    } finally {
      await writer.close();
    }
  });
});
