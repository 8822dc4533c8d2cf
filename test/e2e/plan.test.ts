// zkdeploy plan and --dry-run: read-only probes only, and exactly what install then changes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite, pairsWith } from '../helpers/cli.js';
import { asAdmin, hostNumbers, labTarball, releaseHome, releaseName, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const snapshot = (n: number) =>
  asAdmin(n, 'find ~/setups ~/zookeeper ~/.bash_profile -printf "%p %T@ %s\\n" 2>/dev/null | sort');

/** The (host, step) pairs a plan lists as changing. */
function planned(stdout: string): string[] {
  const pairs: string[] = [];
  let host = '';
  for (const line of stdout.split('\n')) {
    const header = /^(\S+) {2}/.exec(line);
    if (header?.[1]) host = header[1];
    const step = /^ {2}~ ([\w.]+):/.exec(line);
    if (step?.[1]) pairs.push(`${host} ${step[1]}`);
  }
  return pairs.sort();
}

describe('plan and --dry-run', () => {
  const { run } = labSuite({ resetAfter: false });

  const drifts: [string, () => void][] = [
    ['myid deleted on LZY-02', () => asAdmin(2, 'rm ~/zookeeper/data/myid')],
    [
      'zoo.cfg edited on LZY-03',
      () => asAdmin(3, `sed -i 's/^initLimit=10/initLimit=20/' ${releaseHome}/conf/zoo.cfg`),
    ],
    [
      'same-size corrupt tarball on LZY-04',
      () => asAdmin(4, `f=~/setups/${releaseName}.tar.gz; head -c $(stat -c %s $f) /dev/zero > $f`),
    ],
    [
      'profile block removed and java.env deleted on LZY-05',
      () => {
        asAdmin(5, "sed -i '/# BEGIN zkdeploy/,/# END zkdeploy/d' ~/.bash_profile");
        asAdmin(5, `rm ${releaseHome}/conf/java.env`);
      },
    ],
  ];

  test('a fresh ensemble: plan lists every step; --dry-run changes nothing', async (t) => {
    if (!requireLab(t)) return;
    const before = hostNumbers().map(snapshot);
    const result = await run('plan', '-i', inventory, '-t', labTarball());
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(planned(result.stdout).length, 5 * 7);
    const dry = await run('install', '--dry-run', '-i', inventory, '-t', labTarball());
    assert.equal(dry.code, 2);
    assert.deepEqual(hostNumbers().map(snapshot), before, 'the dry run touched a host');
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
  });

  for (const [what, drift] of drifts) {
    test(`after drift (${what}): plan lists exactly what install then changes`, async (t) => {
      if (!requireLab(t)) return;
      assert.equal((await run('plan')).code, 0, 'nothing to change before the drift');
      drift();
      const before = hostNumbers().map(snapshot);
      const plan = await run('plan');
      assert.equal(plan.code, 2, plan.stdout);
      assert.deepEqual(hostNumbers().map(snapshot), before, 'plan touched a host');
      const dry = await run('install', '--dry-run');
      assert.deepEqual(planned(dry.stdout), planned(plan.stdout));
      assert.deepEqual(hostNumbers().map(snapshot), before, 'install --dry-run touched a host');
      const install = await run('install');
      assert.equal(install.code, 0, install.stdout);
      assert.deepEqual(planned(plan.stdout), pairsWith(install.stdout, 'changed'));
      assert.equal((await run('plan')).code, 0);
    });
  }

  test('a changed file is shown as a unified diff', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(1, `sed -i 's/^syncLimit=5/syncLimit=7/' ${releaseHome}/conf/zoo.cfg`);
    const plan = await run('plan');
    assert.equal(plan.code, 2);
    assert.ok(
      plan.stdout.includes(`--- /home/admin/zookeeper/${releaseName}/conf/zoo.cfg (on LZY-01)`),
      plan.stdout,
    );
    assert.match(plan.stdout, /^\s+-syncLimit=7$/m);
    assert.match(plan.stdout, /^\s+\+syncLimit=5$/m);
    const json = await run('plan', '--json');
    assert.equal(json.code, 2);
    const parsed = JSON.parse(json.stdout) as {
      changes: number;
      hosts: {
        name: string;
        server: string;
        steps: { id: string; change: boolean; diff: string | null }[];
      }[];
    };
    assert.equal(parsed.changes, 1);
    const changing = parsed.hosts.flatMap((h) =>
      h.steps.filter((s) => s.change).map((s) => ({ host: h.name, ...s })),
    );
    assert.deepEqual(
      changing.map((s) => `${s.host} ${s.id}`),
      ['LZY-01 zoo.cfg'],
    );
    assert.match(changing[0]?.diff ?? '', /^-syncLimit=7$/m);
    assert.deepEqual(
      parsed.hosts.map((h) => h.server),
      Array(5).fill('not running'),
    );
    asAdmin(2, 'echo 9 > ~/zookeeper/data/myid');
    const status = await run('status', '--json');
    const drift = (JSON.parse(status.stdout) as { drift: { host: string; message: string }[] }).drift;
    assert.deepEqual(
      drift.map((d) => `${d.host}: ${d.message.split(' (')[0]}`),
      [
        'LZY-01: conf/zoo.cfg differs from what the inventory renders',
        'LZY-02: data/myid is "9", the inventory says 2',
        'LZY-02: myid 9 is not in its server list',
      ],
    );
    assert.match((await run('status')).stdout, /^drift:\n {2}LZY-01: conf\/zoo\.cfg differs/m);
    assert.equal((await run('install')).code, 0);
    assert.deepEqual((JSON.parse((await run('status', '--json')).stdout) as { drift: unknown[] }).drift, []);
  });
});
