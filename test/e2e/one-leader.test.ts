// Never two leaders (issue #34, item 1): --hosts narrows what a command changes, never what it judges
// by. Servers started with a server list of their own could elect a leader beside the running one
// (3.4's FastLeaderElection and QuorumMaj allow it); install and start judge on every server.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { labSuite } from '../helpers/cli.js';
import { asAdmin, hostIp, hostNumbers, inHost, labTarball, releaseHome, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { srvrMode } from '../helpers/zk-client.js';

const lzy = join(repoRoot, 'inventories', 'lzy.yaml');

/** The most servers that said `leader` in one round of srvr to all five, polled for `ms`. */
async function mostLeadersAtOnce(ms: number): Promise<number> {
  let most = 0;
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) {
    const modes = await Promise.all(hostNumbers().map((n) => srvrMode(hostIp(n), 2181, 300)));
    most = Math.max(most, modes.filter((mode) => mode === 'leader').length);
  }
  return most;
}

const jvmsOn = (hosts: number[]) =>
  hosts.map((n) => inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim()).filter(Boolean);

describe('never two leaders', () => {
  const { cwd, run } = labSuite();
  const three = join(cwd, 'three.yaml');
  /** install of LZY-02 and LZY-03 alone, from the inventory shrunk to LZY-01..03. */
  const installTwoOfThree = (...args: string[]) =>
    run('install', '-i', three, '-t', labTarball(), '--hosts', 'LZY-02,LZY-03', ...args);
  writeFileSync(three, readFileSync(lzy, 'utf8').replace(/ {2}- name: LZY-04\n[\s\S]*$/, ''));

  test('the review case: LZY-02 and LZY-03 stopped and narrowed to a 3-server inventory; install and start refuse, one leader throughout', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', lzy, '-t', labTarball(), '--start')).code, 0);
    const stopped = await run('stop', '-i', lzy, '--hosts', 'LZY-02,LZY-03');
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);

    // install --hosts judged the two stopped servers alone, saw none running and rewrote their list.
    for (const args of [[], ['--start']]) {
      const install = await installTwoOfThree(...args);
      assert.equal(install.code, 1, install.stdout + install.stderr);
      assert.match(
        install.stderr,
        /install refused: the inventory changes the running ensemble's servers \(5 → 3\)/,
      );
    }
    assert.match(asAdmin(2, `cat ${releaseHome}/conf/zoo.cfg`), /^server\.5=LZY-05:2888:3888$/m);

    // Their lists cut to three by hand, as vi (or an older zkdeploy) leaves them: start refuses both.
    for (const n of [2, 3]) asAdmin(n, `sed -i '/^server\\.[45]=/d' ${releaseHome}/conf/zoo.cfg`);
    const start = await run('start', '-i', three, '--hosts', 'LZY-02,LZY-03');
    assert.equal(start.code, 1, start.stdout + start.stderr);
    for (const name of ['LZY-02', 'LZY-03'])
      assert.match(
        start.stdout,
        new RegExp(
          `${name}'s zoo\\.cfg lists 3 servers \\(1=LZY-01, 2=LZY-02, 3=LZY-03\\), but the running servers \\(LZY-01, LZY-04, LZY-05\\) use 5 servers`,
        ),
      );
    assert.match(start.stderr, /start refused/);
    assert.deepEqual(jvmsOn([2, 3]), [], 'a refused start started a server');
    assert.equal(await mostLeadersAtOnce(30_000), 1);
  });

  test('none running and the lists disagree: every start is refused until one install writes one list', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('stop', '-i', lzy)).code, 0);
    for (const args of [
      ['-i', lzy],
      ['-i', three, '--hosts', 'LZY-02,LZY-03'],
    ]) {
      const start = await run('start', ...args);
      assert.equal(start.code, 1, start.stdout + start.stderr);
      assert.match(
        start.stdout,
        /no server runs, and the servers' zoo\.cfg files disagree on the ensemble: LZY-01, LZY-04, LZY-05 list 5 servers .*; LZY-02, LZY-03 list 3 servers/,
      );
    }
    assert.deepEqual(jvmsOn(hostNumbers()), []);
    assert.equal((await run('install', '-i', lzy, '-t', labTarball())).code, 0);
    const start = await run('start', '-i', lzy);
    assert.equal(start.code, 0, start.stdout + start.stderr);
    assert.match(start.stdout, /healthy: 1 leader, 4 followers/);
  });

  test("install --start --dry-run judges the start on the lists it would write; a host with another server's data is refused before anything changes", async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('stop', '-i', lzy)).code, 0);
    const dry = await installTwoOfThree('--start', '--dry-run');
    assert.equal(dry.code, 1, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /install --start would install as above and then refuse to start any server/);
    assert.match(dry.stdout, /no server runs, and the servers' zoo\.cfg files disagree on the ensemble/);
    assert.match(
      asAdmin(2, `cat ${releaseHome}/conf/zoo.cfg`),
      /^server\.5=LZY-05:2888:3888$/m,
      'a dry run changed a file',
    );

    // LZY-04's data under another id, as a recycled host brings it: rewriting its myid would let that
    // data's epoch take part in the next election.
    asAdmin(
      4,
      `echo 9 > ~/zookeeper/data/myid && sed -i 's/^server\\.4=LZY-04:/server.9=LZY-04:/' ${releaseHome}/conf/zoo.cfg`,
    );
    const foreign = await run('install', '-i', lzy, '-t', labTarball(), '--start');
    assert.equal(foreign.code, 1, foreign.stdout + foreign.stderr);
    assert.match(
      foreign.stdout,
      /LZY-04: data\/myid says "9", the inventory 4, and the data directories hold \d+ snapshot and log files: another server's data/,
    );
    assert.match(foreign.stderr, /install refused: a host holds data of another server; nothing was changed/);
    assert.equal(asAdmin(4, 'cat ~/zookeeper/data/myid').trim(), '9');
    assert.deepEqual(jvmsOn(hostNumbers()), [], 'a refused install started a server');
    asAdmin(
      4,
      `echo 4 > ~/zookeeper/data/myid && sed -i 's/^server\\.9=LZY-04:/server.4=LZY-04:/' ${releaseHome}/conf/zoo.cfg`,
    );
    const fixed = await run('install', '-i', lzy, '-t', labTarball(), '--start');
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  });
});
