// zkdeploy check on the lab: each failing check made real on one host, in that host's own namespaces.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchDir, zkdeploy } from '../helpers/cli.js';
import { asAdmin, hostNumbers, inHost, lab, labTarball, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');

interface CheckJson {
  ok: boolean;
  hosts: { name: string; results: { id: string; status: string; message: string; fix?: string }[] }[];
}

describe('check', () => {
  const cwd = scratchDir();
  const run = (...args: string[]) => zkdeploy(args, { cwd: cwd.path });
  const undo: (() => void)[] = [];
  before(() => {
    if (process.getuid?.() === 0) lab('reset');
  });
  after(() => {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort: a fault that was never made has nothing to undo.
      }
    }
    cwd.remove();
    if (process.getuid?.() === 0) lab('reset');
  });

  test('a clean lab passes every check', async (t) => {
    if (!requireLab(t)) return;
    const result = await run('check', '-i', inventory, '-t', labTarball());
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /^check: passed$/m);
  });

  test('Java hidden, a port taken, a full data disk, a name on loopback: each named with its fix', async (t) => {
    if (!requireLab(t)) return;
    inHost(3, 'mount -t tmpfs -o size=1m zkcheck /usr/lib/jvm');
    undo.push(() => inHost(3, 'umount /usr/lib/jvm'));
    const squatter = inHost(
      4,
      `setsid python3 -c 'import socket,time; s=socket.socket(); s.bind(("0.0.0.0", 2888)); s.listen(); time.sleep(300)' </dev/null >/dev/null 2>&1 & echo $!`,
    ).trim();
    undo.push(() => inHost(4, `kill ${squatter}`));
    asAdmin(2, 'mkdir -p ~/zookeeper/data');
    inHost(
      2,
      'mount -t tmpfs -o size=8m,uid=$(id -u admin),gid=$(id -g admin) zkcheck /home/admin/zookeeper/data',
    );
    undo.push(() => inHost(2, 'umount /home/admin/zookeeper/data'));
    asAdmin(2, 'head -c 7000000 /dev/zero > ~/zookeeper/data/filler');
    inHost(
      5,
      '{ echo "127.0.1.1 LZY-05"; cat /etc/hosts; } > /tmp/hosts.zkcheck && mount --bind /tmp/hosts.zkcheck /etc/hosts',
    );
    undo.push(() => inHost(5, 'umount /etc/hosts'));

    const result = await run('check', '--json', '-i', inventory, '-t', labTarball());
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as CheckJson;
    assert.equal(report.ok, false);
    const failures = report.hosts.flatMap((h) =>
      h.results.filter((r) => r.status === 'fail').map((r) => ({ host: h.name, ...r })),
    );
    assert.deepEqual(failures.map((f) => `${f.host} ${f.id}`).sort(), [
      'LZY-02 disk',
      'LZY-03 java',
      'LZY-04 ports',
      'LZY-05 names',
    ]);
    const byId = (id: string) => failures.find((f) => f.id === id);
    assert.match(byId('java')?.message ?? '', /no java/);
    assert.match(byId('ports')?.message ?? '', /2888 \(quorumPort\)/);
    assert.match(
      byId('disk')?.message ?? '',
      /dataDir: \/home\/admin\/zookeeper\/data \(\d MiB free\), needs 64 MiB/,
    );
    assert.match(byId('names')?.message ?? '', /LZY-05 resolves to loopback 127\.0\.1\.1/);
    assert.match(byId('names')?.fix ?? '', /remove the "127\.0\.1\.1 LZY-05" line/);
    for (const f of failures) assert.ok(f.fix, `${f.host} ${f.id} has no fix`);

    const text = await run('check', '-i', inventory, '-t', labTarball());
    assert.match(text.stdout, /^LZY-03\s+pass\s+fail\s/m);

    const install = await run('install', '-i', inventory, '-t', labTarball());
    assert.equal(install.code, 1);
    assert.match(install.stderr, /install refused: a preflight check failed, nothing was changed/);
    for (const n of hostNumbers())
      assert.equal(asAdmin(n, 'test -e ~/setups && echo touched || echo untouched').trim(), 'untouched');
  });

  test('with the faults undone, check passes again', async (t) => {
    if (!requireLab(t)) return;
    while (undo.length > 0) undo.pop()?.();
    const result = await run('check', '-i', inventory, '-t', labTarball());
    assert.equal(result.code, 0, result.stdout);
  });
});
