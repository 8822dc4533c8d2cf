// zkdeploy start and status on the lab: a real ensemble, one leader and four followers, shown.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertNothingChanged, type CliResult, labSuite, pairsWith } from '../helpers/cli.js';
import {
  asAdmin,
  hostIp,
  hostName,
  inHost,
  lab,
  labRelease,
  labTarball,
  lzyHosts,
  releaseHome,
  requireLab,
  tarballBuild,
  zkCli,
} from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { readOn } from '../helpers/zk-client.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const bin = `${releaseHome}/bin`;

interface StatusJson {
  healthy: boolean;
  summary: string;
  hosts: { name: string; myid: number; mode: string; build?: string }[];
}

describe('start and status', () => {
  const { run } = labSuite();
  const statusJson = async (): Promise<{ result: CliResult; json: StatusJson }> => {
    const result = await run('status', '--json');
    return { result, json: JSON.parse(result.stdout) as StatusJson };
  };
  /** Polls status until its summary matches (servers need a moment to notice a lost peer). */
  const statusUntil = async (pattern: RegExp): Promise<CliResult> => {
    let result = await run('status');
    for (let i = 0; i < 40 && !pattern.test(result.stdout); i++) {
      await sleep(250);
      result = await run('status');
    }
    return result;
  };

  test('install → start → status: one leader, four followers, in text, --json and --raw', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    const started = await run('start');
    assert.equal(started.code, 0, started.stdout + started.stderr);
    assert.equal(pairsWith(started.stdout, 'changed').length, 5);

    const text = await run('status');
    assert.equal(text.code, 0, text.stdout);
    assert.match(text.stdout, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/m);
    assert.match(
      text.stdout,
      new RegExp(
        `^LZY-03\\s+3\\s+(leader|follower)\\s+0x[0-9a-f]+\\s+\\d+\\s+${labRelease.replaceAll('.', '\\.')}\\s+zkServer\\.sh\\s+[\\d.]+G of [\\d.]+G$`,
        'm',
      ),
    );

    const { result, json } = await statusJson();
    assert.equal(result.code, 0);
    assert.equal(json.healthy, true);
    assert.deepEqual(
      json.hosts.map((h) => h.myid),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(json.hosts.map((h) => h.mode).sort(), [
      'follower',
      'follower',
      'follower',
      'follower',
      'leader',
    ]);
    // Each server runs the very build the tarball holds (release, revision, build date).
    const build = tarballBuild();
    assert.ok(build.startsWith(`${labRelease}-`), build);
    assert.deepEqual(
      json.hosts.map((h) => h.build),
      Array(5).fill(build),
    );

    const raw = await run('status', '--raw');
    assert.equal(raw.code, 0);
    assert.equal(raw.stdout.match(/^Mode: (leader|follower)$/gm)?.length, 5);
  });

  test('a znode created through one host is read back through another', async (t) => {
    if (!requireLab(t)) return;
    assert.match(zkCli(1, 'create /zkdeploy-e2e replicated', hostName(1)), /Created \/zkdeploy-e2e/);
    assert.match(zkCli(4, 'get /zkdeploy-e2e', hostName(4)), /^replicated$/m);
  });

  test('start again changes nothing; install again is unchanged and the znode is still there', async (t) => {
    if (!requireLab(t)) return;
    const again = await run('start');
    assert.equal(again.code, 0);
    assertNothingChanged(again.stdout, lzyHosts);
    const install = await run('install');
    assert.equal(install.code, 0);
    assertNothingChanged(install.stdout, lzyHosts);
    assert.equal(await readOn(hostIp(5), '/zkdeploy-e2e', 'replicated'), 'replicated');
  });

  test("status reports drift (a hand-edited zoo.cfg, a wrong myid), keeps the ensemble's health as its exit, and install repairs it", async (t) => {
    if (!requireLab(t)) return;
    asAdmin(3, `sed -i 's/^tickTime=2000$/tickTime=3000/' ${releaseHome}/conf/zoo.cfg`);
    asAdmin(4, 'echo 7 > ~/zookeeper/data/myid');
    const drifted = await run('status');
    assert.equal(drifted.code, 0, 'the running ensemble is still healthy');
    assert.match(drifted.stdout, /^drift:$/m);
    assert.match(drifted.stdout, /^ {2}LZY-03: conf\/zoo\.cfg differs from what the inventory renders/m);
    assert.match(drifted.stdout, /^ {2}LZY-04: data\/myid is "7", the inventory says 4/m);
    const json = JSON.parse((await run('status', '--json')).stdout) as { drift: { host: string }[] };
    assert.deepEqual([...new Set(json.drift.map((d) => d.host))].sort(), ['LZY-03', 'LZY-04']);
    assert.equal((await run('install')).code, 0);
    assert.doesNotMatch((await run('status')).stdout, /drift/);
  });

  test('a nearly full disk under the transaction logs: status names the host, the room and the fix, and stays healthy (exit 0)', async (t) => {
    if (!requireLab(t)) return;
    // An 8 MB file system over LZY-02's dataLogDir, 7.5 MB of it taken (the running server keeps
    // the log it has open underneath; the lab's reset takes the mount away).
    inHost(
      2,
      'mount -t tmpfs -o size=8m,uid=$(id -u admin),gid=$(id -g admin) zklogs /home/admin/zookeeper/logs',
    );
    t.after(() => inHost(2, 'umount /home/admin/zookeeper/logs'));
    asAdmin(2, 'head -c 7500000 /dev/zero > ~/zookeeper/logs/filler');
    const low = await run('status');
    assert.equal(low.code, 0, low.stdout + low.stderr);
    assert.match(low.stdout, /^LZY-02\s.*\s0\.[\d]M of 8\.0M$/m);
    assert.match(
      low.stdout,
      /^ {2}LZY-02: only 0\.\dM of 8\.0M free on \/home\/admin\/zookeeper\/logs \(the data directories\); ZooKeeper stops serving when it cannot write its log\n {4}fix: free space there/m,
    );
    assert.doesNotMatch(low.stdout, /^ {2}LZY-0[1345]: only/m, 'a host with room warned of');
    const json = JSON.parse((await run('status', '--json')).stdout) as {
      hosts: { name: string; disk?: { freeKiB: number; mount: string } }[];
    };
    assert.equal(json.hosts.find((h) => h.name === 'LZY-02')?.disk?.mount, '/home/admin/zookeeper/logs');
  });

  test('servers stopped by hand: one down, two down (still a quorum), three down (lost)', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(1, `${bin}/zkServer.sh stop`);
    const one = await statusUntil(/1 down/);
    assert.equal(one.code, 2);
    assert.match(one.stdout, /^LZY-01\s+1\s+down\s/m);
    assert.match(one.stdout, /^unhealthy: .*1 down \(quorum 3 of 5: still serving\)$/m);

    asAdmin(2, `${bin}/zkServer.sh stop`);
    const two = await statusUntil(/2 down/);
    assert.equal(two.code, 2);
    assert.match(two.stdout, /3 followers?|1 leader, 2 followers/);
    assert.match(two.stdout, /\(quorum 3 of 5: still serving\)/);

    asAdmin(3, `${bin}/zkServer.sh stop`);
    const three = await statusUntil(/2 not-serving, 3 down/);
    assert.equal(three.code, 2);
    assert.match(three.stdout, /^unhealthy: 2 not-serving, 3 down \(quorum 3 of 5: lost\)$/m);

    const restarted = await run('start');
    assert.equal(restarted.code, 0, restarted.stdout);
    assert.deepEqual(pairsWith(restarted.stdout, 'changed'), [
      'LZY-01 start',
      'LZY-02 start',
      'LZY-03 start',
    ]);
    assert.match(restarted.stdout, /^healthy: 1 leader, 4 followers/m);
  });

  test('a server that cannot start (its client port taken) fails with its log; the others run', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(3, `${bin}/zkServer.sh stop`);
    const squatter = inHost(
      3,
      `setsid python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 2181)); s.listen(); time.sleep(300)' </dev/null >/dev/null 2>&1 & echo $!`,
    ).trim();
    try {
      const result = await run('start', '--timeout', '15');
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /^LZY-03\s+failed$/m);
      assert.match(result.stdout, /LZY-03: (the server exited during start|not serving after 15s)/);
      assert.match(result.stdout, /last lines of the server log:/);
      assert.match(result.stdout, /Address already in use|BindException/);
      for (const n of [1, 2, 4, 5])
        assert.match(result.stdout, new RegExp(`^${hostName(n)}\\s+unchanged$`, 'm'));
    } finally {
      inHost(3, `kill ${squatter}`);
    }
    const recovered = await run('start');
    assert.equal(recovered.code, 0, recovered.stdout);
    assert.match(recovered.stdout, /^healthy: 1 leader, 4 followers/m);
  });

  test('install --start on fresh hosts: installed, started and healthy in one command; again, nothing changes', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    const first = await run('install', '-i', inventory, '-t', labTarball(), '--start');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(pairsWith(first.stdout, 'changed').length, 5 * 8, first.stdout);
    assert.match(first.stdout, /^LZY-0[1-5]\s+(changed\s+){7}skipped\s+changed$/m);
    assert.match(first.stdout, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/m);
    assert.equal((await run('status')).code, 0);
    const again = await run('install', '--start');
    assert.equal(again.code, 0, again.stdout);
    assertNothingChanged(again.stdout, lzyHosts);
    assert.match(again.stdout, /^healthy: 1 leader, 4 followers/m);
  });
});
