// zkdeploy check on the lab: each failing check made real on one host, in that host's own namespaces.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchDir, until, zkdeploy, zkdeployInBackground } from '../helpers/cli.js';
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
    // The last check's listeners go as their SSH channels close: only then is 2888 free to squat.
    await assertNoListeners();
    const squatter = inHost(
      4,
      // SO_REUSEADDR as ZooKeeper binds: the last check's connections may leave 2888 in TIME_WAIT.
      `setsid python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 2888)); s.listen(); time.sleep(300)' </dev/null >/dev/null 2>&1 & echo $!`,
    ).trim();
    undo.push(() => inHost(4, `kill ${squatter} 2>/dev/null || true`));
    await until(() => /:2888\b/.test(inHost(4, 'ss -Hltn')), 'the squatter to hold 2888 on LZY-04', 5000);
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
    assert.match(install.stderr, /install refused: a preflight check failed; nothing was changed/);
    for (const n of hostNumbers())
      assert.equal(asAdmin(n, 'test -e ~/setups && echo touched || echo untouched').trim(), 'untouched');
  });

  test('with the faults undone, check passes again', async (t) => {
    if (!requireLab(t)) return;
    while (undo.length > 0) undo.pop()?.();
    const result = await run('check', '-i', inventory, '-t', labTarball());
    assert.equal(result.code, 0, result.stdout);
  });

  test("one host's election port closed to its peers: that host and port named, no other host blamed, install refused", async (t) => {
    if (!requireLab(t)) return;
    lab('block', 'LZY-04', '3888');
    undo.push(() => lab('unblock', 'LZY-04'));
    const result = await run('check', '--json', '-i', inventory, '-t', labTarball());
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as CheckJson;
    const failures = report.hosts.flatMap((h) =>
      h.results.filter((r) => r.status === 'fail').map((r) => ({ host: h.name, ...r })),
    );
    assert.deepEqual(
      failures.map((f) => `${f.host} ${f.id}`),
      ['LZY-04 network'],
    );
    assert.match(
      failures[0]?.message ?? '',
      /^LZY-04:3888 \(election\) cannot be reached from any other host \(filtered: no answer, as when a firewall drops it\)$/,
    );
    assert.match(failures[0]?.fix ?? '', /open those ports on LZY-04/);
    const install = await run('install', '-i', inventory, '-t', labTarball());
    assert.equal(install.code, 1, install.stdout + install.stderr);
    assert.match(install.stderr, /install refused: a preflight check failed/);
    await assertNoListeners();
    lab('unblock', 'LZY-04');
  });

  test('check interrupted (Ctrl-C) or killed while its listeners are up: none outlives it', async (t) => {
    if (!requireLab(t)) return;
    // A dropped port makes the connections last their 2 s: time to stop check while it listens.
    lab('block', 'LZY-02', '2181');
    undo.push(() => lab('unblock', 'LZY-02'));
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      const { child, exited } = zkdeployInBackground(
        ['check', '-i', inventory, '-t', labTarball()],
        cwd.path,
      );
      await until(() => hostNumbers().some((n) => listenersOn(n) !== ''), 'a listener on a host', 20_000);
      child.kill(signal);
      assert.equal(await exited, signal === 'SIGINT' ? 130 : null, signal);
      await until(
        () => hostNumbers().every((n) => listenersOn(n) === ''),
        `the listeners to go after ${signal}`,
        10_000,
      );
    }
    lab('unblock', 'LZY-02');
  });

  test('a running ensemble passes check, and no server notices it: nothing binds beside or connects to a server', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    // Once seen failing in CI (exit 1) and never again: its output is kept for the next time.
    const installed = await run('install', '-i', inventory, '-t', labTarball(), '--start');
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    const before = await run('status');
    const logs = () =>
      hostNumbers().map((n) => asAdmin(n, 'cat ~/zookeeper/server-logs/*.out | wc -c').trim());
    const logsBefore = logs();
    const result = await run('check', '--json');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as CheckJson;
    for (const host of report.hosts)
      assert.match(
        host.results.find((r) => r.id === 'network')?.message ?? '',
        /^its server runs: its ports are left alone/,
      );
    assert.deepEqual(logs(), logsBefore, "a server's log grew during check");
    const after = await run('status');
    const modes = (out: string) =>
      out
        .split('\n')
        .filter((l) => l.startsWith('LZY-'))
        .map((l) => l.split(/\s+/).slice(0, 3).join(' '));
    assert.deepEqual(modes(after.stdout), modes(before.stdout));
  });

  test('a set-up server that is stopped: check binds none of its ports (it may start meanwhile) and counts its refusals as answers', async (t) => {
    if (!requireLab(t)) return;
    // The ensemble of the test above runs; LZY-03's server is stopped, as by a crash or a hand.
    const stopped = await run('stop', '--hosts', 'LZY-03');
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    const { exited, output } = zkdeployInBackground(['check', '--json'], cwd.path);
    let done = false;
    void exited.then(() => {
      done = true;
    });
    let bound = '';
    let polls = 0;
    while (!done) {
      bound ||= listenersOn(3);
      polls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(await exited, 0, output().stdout + output().stderr);
    assert.equal(bound, '', `check bound LZY-03's ports while its server was stopped (${polls} looks)`);
    const report = JSON.parse(output().stdout) as CheckJson;
    const network = (host: string) =>
      report.hosts.find((h) => h.name === host)?.results.find((r) => r.id === 'network');
    assert.equal(network('LZY-03')?.status, 'warn', 'a refusal is also what a REJECT gives: never a pass');
    assert.match(
      network('LZY-03')?.message ?? '',
      /^its server is set up and stopped: nothing binds its ports during the check .*; ports 2181, 2888, 3888 answer every other host with a refusal/,
    );
    // The server comes back on the ports check left free.
    const started = await run('start', '--hosts', 'LZY-03');
    assert.equal(started.code, 0, started.stdout + started.stderr);
    const status = await run('status');
    assert.equal(status.code, 0, status.stdout + status.stderr);
  });
});

/** The check's port listeners (Perl or Python) running for admin on host n. */
function listenersOn(n: number): string {
  return inHost(n, "pgrep -u admin -a -f 'IO::Socket::INET|import select, socket' || true").trim();
}

/** Every listener gone soon after the check that started it (its SSH channel closes as zkdeploy ends). */
async function assertNoListeners(): Promise<void> {
  await until(() => hostNumbers().every((n) => listenersOn(n) === ''), 'the listeners to go', 5000).catch(
    () => undefined,
  );
  for (const n of hostNumbers()) assert.equal(listenersOn(n), '', `a listener was left on LZY-0${n}`);
}
