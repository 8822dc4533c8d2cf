// zkdeploy install on the lab's real hosts: the guide's steps 1-8, then re-runs and drift.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNothingChanged, outcomes, pairsWith, scratchDir, zkdeploy } from '../helpers/cli.js';
import {
  asAdmin,
  hostName,
  hostNumbers,
  lab,
  labTarball,
  lzyHosts,
  releaseHome,
  releaseName,
  requireLab,
} from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const STEPS = ['upload', 'extract', 'profile', 'dirs', 'zoo.cfg', 'java.env', 'myid', 'firewall'];

/** Every file under the deployment on a host, with its mtime and size: what "nothing modified" means. */
const snapshot = (n: number) =>
  asAdmin(n, 'find ~/setups ~/zookeeper ~/.bash_profile -printf "%p %T@ %s\\n" 2>/dev/null | sort');

describe('install', () => {
  const cwd = scratchDir();
  const install = (...args: string[]) => zkdeploy(['install', ...args], { cwd: cwd.path });
  before(() => {
    if (process.getuid?.() === 0) lab('reset');
  });
  after(() => cwd.remove());

  test('cold install: every step changed on five hosts, files as the guide says', async (t) => {
    if (!requireLab(t)) return;
    const result = await install('--inventory', inventory, '--tarball', labTarball());
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const table = outcomes(result.stdout);
    assert.deepEqual([...table.keys()], hostNumbers().map(hostName));
    for (const [host, steps] of table) {
      assert.deepEqual([...steps.keys()], STEPS);
      for (const step of STEPS.slice(0, -1)) assert.equal(steps.get(step), 'changed', `${host} ${step}`);
      assert.equal(steps.get('firewall'), 'skipped', 'the lab has no systemd: firewalld not present');
    }
    assert.match(result.stderr, /firewalld not present/);

    for (const n of hostNumbers()) {
      const home = '/home/admin/zookeeper';
      // Steps 1-2: the tarball in ~/setups, extracted under ~/zookeeper.
      assert.equal(asAdmin(n, 'ls ~/setups').trim(), `${releaseName}.tar.gz`);
      assert.equal(asAdmin(n, `test -x ${releaseHome}/bin/zkServer.sh && echo ok`).trim(), 'ok');
      // Step 3: a login shell has ZOOKEEPER_HOME and zkServer.sh on its PATH.
      assert.equal(asAdmin(n, 'bash -lc "echo \\$ZOOKEEPER_HOME"').trim(), `${home}/${releaseName}`);
      assert.equal(
        asAdmin(n, 'bash -lc "command -v zkServer.sh"').trim(),
        `${home}/${releaseName}/bin/zkServer.sh`,
      );
      // Step 4: data and logs directories.
      assert.equal(
        asAdmin(n, 'test -d ~/zookeeper/data && test -d ~/zookeeper/logs && echo ok').trim(),
        'ok',
      );
      // Step 5: zoo.cfg with the guide's settings.
      const cfg = asAdmin(n, `cat ${releaseHome}/conf/zoo.cfg`);
      assert.match(cfg, new RegExp(`^dataDir=${home}/data$`, 'm'));
      assert.match(cfg, new RegExp(`^dataLogDir=${home}/logs$`, 'm'));
      for (const m of hostNumbers())
        assert.match(cfg, new RegExp(`^server\\.${m}=${hostName(m)}:2888:3888$`, 'm'));
      // Step 7: myid N on host N.
      assert.equal(asAdmin(n, 'cat ~/zookeeper/data/myid'), `${n}\n`);
    }
  });

  test('re-run: every step unchanged, nothing on the hosts modified', async (t) => {
    if (!requireLab(t)) return;
    const before = hostNumbers().map(snapshot);
    const result = await install();
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assertNothingChanged(result.stdout, lzyHosts);
    assert.equal(pairsWith(result.stdout, 'unchanged').length, 5 * 7);
    assert.deepEqual(hostNumbers().map(snapshot), before);
  });

  test('drift: exactly the drifted steps change on exactly those hosts, and are repaired', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(2, 'rm ~/zookeeper/data/myid');
    asAdmin(3, `sed -i 's/^tickTime=2000/tickTime=3000/' ${releaseHome}/conf/zoo.cfg`);
    // The same size, other bytes: a name-or-size check would miss it.
    asAdmin(4, `f=~/setups/${releaseName}.tar.gz; s=$(stat -c %s $f); head -c $s /dev/zero > $f`);
    const result = await install();
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.deepEqual(pairsWith(result.stdout, 'changed'), ['LZY-02 myid', 'LZY-03 zoo.cfg', 'LZY-04 upload']);
    assert.equal(asAdmin(2, 'cat ~/zookeeper/data/myid'), '2\n');
    assert.match(asAdmin(3, `cat ${releaseHome}/conf/zoo.cfg`), /^tickTime=2000$/m);
    assert.equal(asAdmin(4, `gzip -t ~/setups/${releaseName}.tar.gz && echo ok`).trim(), 'ok');
    const again = await install();
    assertNothingChanged(again.stdout, lzyHosts);
  });

  test('the user keeps their own ~/.bash_profile lines, and the block is never appended twice', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(1, 'echo "export EDITOR=vi" >> ~/.bash_profile');
    const result = await install();
    assert.equal(result.code, 0);
    const profile = asAdmin(1, 'cat ~/.bash_profile');
    assert.equal(profile.match(/# BEGIN zkdeploy/g)?.length, 1);
    assert.match(profile, /^export EDITOR=vi$/m);
    assert.match(profile, /^# \.bash_profile$/m);
  });

  test('apache-zookeeper-X-bin.tar.gz installs the same way, into its own directory', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    const result = await install(
      '--inventory',
      inventory,
      '--tarball',
      labTarball('apache-zookeeper-3.8.0-bin.tar.gz'),
    );
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(
      asAdmin(5, 'bash -lc "echo \\$ZOOKEEPER_HOME"').trim(),
      '/home/admin/zookeeper/apache-zookeeper-3.8.0-bin',
    );
    assert.match(
      asAdmin(5, 'cat ~/zookeeper/apache-zookeeper-3.8.0-bin/conf/zoo.cfg'),
      /^server\.5=LZY-05:2888:3888$/m,
    );
  });

  test('a source release is refused before any upload: exit 3, no host touched', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    const result = await install(
      '--inventory',
      inventory,
      '--tarball',
      labTarball('apache-zookeeper-3.8.0.tar.gz'),
    );
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /apache-zookeeper-3\.8\.0\.tar\.gz: no jars: this is a source release/);
    assert.match(result.stderr, /fix: .*-bin\.tar\.gz/);
    for (const n of hostNumbers())
      assert.equal(asAdmin(n, 'ls -A ~ | grep -c -e setups -e zookeeper || true').trim(), '0');
  });

  test('a bad inventory is refused before any connection: exit 3, file and key named', async (t) => {
    if (!requireLab(t)) return;
    const { writeFileSync } = await import('node:fs');
    const bad = join(cwd.path, 'bad.yaml');
    writeFileSync(bad, 'hosts:\n  - name: LZY-01\n    myid: 300\n  - name: LZY-02\n');
    const result = await install('--inventory', bad, '--tarball', labTarball());
    assert.equal(result.code, 3);
    assert.match(result.stderr, /bad\.yaml: 1 problem .*\n.*hosts\[0\]\.myid: 300 is outside 1-255/);
    assert.equal(asAdmin(1, 'ls -A ~ | grep -c setups || true').trim(), '0');
  });
});
