// Paths off the main road, each seen on the lab: the logs of a server that never ran, a purge declined
// at its prompt, a release directory read back from a host that is not one, a host unreachable for plan
// and restart, and a path between two hosts that is blocked while both answer this machine.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite } from '../helpers/cli.js';
import {
  asAdmin,
  hostIp,
  hostNumbers,
  inHost,
  labTarball,
  lzyWithDeadHost,
  releaseHome,
  releaseName,
  requireLab,
} from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { zkdeployInTerminal } from '../helpers/terminal.js';

const lzy = join(repoRoot, 'inventories', 'lzy.yaml');

describe('edges', () => {
  const { cwd, run } = labSuite();
  const withDeadHost = () => lzyWithDeadHost(cwd);

  test('logs of servers that never ran: each host says it has none', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', lzy, '-t', labTarball())).code, 0);
    const logs = await run('logs');
    assert.equal(logs.code, 0, logs.stdout + logs.stderr);
    for (const n of hostNumbers())
      assert.match(logs.stdout + logs.stderr, new RegExp(`LZY-0${n}.*no server log in`));
  });

  test('a purge declined at its prompt changes nothing', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(2, 'mkdir -p ~/zookeeper/data/version-2 && echo keep > ~/zookeeper/data/version-2/snapshot.1');
    const result = await zkdeployInTerminal(
      ['uninstall', '--purge-data'],
      [{ prompt: /Type "purge" to go on: /, answer: 'no' }],
      { cwd },
    );
    assert.equal(result.code, 64, result.output);
    assert.match(result.output, /purge not confirmed: nothing was changed/);
    assert.equal(asAdmin(2, 'cat ~/zookeeper/data/version-2/snapshot.1').trim(), 'keep');
    assert.equal(asAdmin(2, `test -d ${releaseHome} && echo there`).trim(), 'there');
  });

  test('uninstall refuses a release directory read back from a host that is not a release inside the install dir', async (t) => {
    if (!requireLab(t)) return;
    // The install directory itself, where a release directory belongs (removing it would take the data).
    asAdmin(2, 'sed -i "s|^ZOOKEEPER_HOME=.*|ZOOKEEPER_HOME=/home/admin/zookeeper|" ~/.bash_profile');
    assert.match(
      asAdmin(2, 'grep ZOOKEEPER_HOME= ~/.bash_profile'),
      /^ZOOKEEPER_HOME=\/home\/admin\/zookeeper$/m,
    );
    const result = await run('uninstall', '--hosts', 'LZY-02');
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout + result.stderr,
      /refusing to remove \/home\/admin\/zookeeper: ZOOKEEPER_HOME/,
    );
    assert.equal(asAdmin(2, 'ls ~/zookeeper | sort').trim().split('\n').includes(`${releaseName}`), true);
    // A directory outside the install dir, even one that looks like a release (it has the stamp):
    // only the "inside the install dir" rule stands between it and rm -rf.
    asAdmin(
      2,
      'mkdir -p ~/elsewhere && touch ~/elsewhere/.zkdeploy-release ~/elsewhere/keep && sed -i "s|^ZOOKEEPER_HOME=.*|ZOOKEEPER_HOME=/home/admin/elsewhere|" ~/.bash_profile',
    );
    const outside = await run('uninstall', '--hosts', 'LZY-02');
    assert.equal(outside.code, 1, outside.stdout + outside.stderr);
    assert.match(
      outside.stdout + outside.stderr,
      /refusing to remove \/home\/admin\/elsewhere: ZOOKEEPER_HOME/,
    );
    assert.equal(asAdmin(2, 'ls ~/elsewhere').trim(), 'keep');
    assert.equal(
      (await run('install', '-i', lzy, '-t', labTarball())).code,
      0,
      'install repairs the profile',
    );
  });

  test('a host unreachable: plan fails on it (1); a rolling restart is refused before touching any (1)', async (t) => {
    if (!requireLab(t)) return;
    const dead = withDeadHost();
    const plan = await run('plan', '-i', dead, '-t', labTarball(), '--connect-timeout', '2');
    assert.equal(plan.code, 1, plan.stdout + plan.stderr);
    assert.match(plan.stdout + plan.stderr, /LZY-03/);
    assert.equal((await run('start', '-i', lzy)).code, 0);
    const pids = () => hostNumbers().map((n) => inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim());
    const running = pids();
    const restart = await run('restart', '-i', dead, '--connect-timeout', '2');
    assert.equal(restart.code, 1, restart.stdout + restart.stderr);
    assert.match(restart.stdout + restart.stderr, /LZY-03/);
    assert.deepEqual(pids(), running, 'a server was restarted');
  });

  test("check: a path between two hosts blocked while both answer this machine fails that host's network check", async (t) => {
    if (!requireLab(t)) return;
    // Before the servers run (the check leaves running servers alone): inside LZY-01 only, its
    // packets to LZY-04 go nowhere, so neither reaches the other.
    assert.equal((await run('stop', '-i', lzy)).code, 0);
    inHost(1, `ip route add blackhole ${hostIp(4)}/32`);
    t.after(() => inHost(1, `ip route del blackhole ${hostIp(4)}/32 || true`));
    const out = join(cwd, 'check.json');
    const result = await run('check', '-i', lzy, '--json');
    writeFileSync(out, result.stdout);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as {
      hosts: { name: string; results: { id: string; status: string; message: string }[] }[];
    };
    const network = (name: string) =>
      report.hosts.find((h) => h.name === name)?.results.find((r) => r.id === 'network');
    assert.equal(network('LZY-01')?.status, 'fail', JSON.stringify(network('LZY-01')));
    assert.match(network('LZY-01')?.message ?? '', /^no connection with LZY-04, either way/);
    assert.match(network('LZY-04')?.message ?? '', /^no connection with LZY-01, either way/);
    // Nobody else is blamed (their stopped servers' ports answer with refusals: a warning, not a pass).
    for (const name of ['LZY-02', 'LZY-03', 'LZY-05'])
      assert.notEqual(network(name)?.status, 'fail', JSON.stringify(network(name)));
  });
});
