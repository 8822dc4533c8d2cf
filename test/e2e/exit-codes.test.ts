// The README's exit-code table, one test per row, each row's cases as the table names them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite, lockFileOf, pairsWith, until, zkdeployInBackground } from '../helpers/cli.js';
import {
  asAdmin,
  hostNumbers,
  inHost,
  lab,
  labTarball,
  lzyWithDeadHost,
  lzyWithoutJava,
  requireLab,
  uploadUnderway,
} from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const lzy = join(repoRoot, 'inventories', 'lzy.yaml');

describe('exit codes', () => {
  const { cwd, run } = labSuite();
  /** The audit log's newest record of an inventory: every exit of a changing command leaves one. */
  const lastRecord = async (inventory: string) => {
    const listed = await run('history', '--json', '-i', inventory);
    const record = (JSON.parse(listed.stdout) as { command: string; exitCode: number }[]).at(-1);
    return { command: record?.command, exitCode: record?.exitCode };
  };
  const variant = (name: string, edit: (text: string) => string) => {
    const file = join(cwd, `${name}.yaml`);
    writeFileSync(file, edit(readFileSync(lzy, 'utf8')));
    return file;
  };
  const withDeadHost = () => lzyWithDeadHost(cwd);
  const zkOn = (n: number) => inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim();

  test('3: bad input (an inventory, a tarball), nothing touched', async (t) => {
    if (!requireLab(t)) return;
    const unknownKey = variant('unknown-key', (text) => text.replace(/^hosts:/m, 'hostz: []\nhosts:'));
    const badInventory = await run('install', '-i', unknownKey, '-t', labTarball());
    assert.equal(badInventory.code, 3, badInventory.stderr);
    const notATarball = join(cwd, 'zookeeper-3.4.9.tar.gz');
    writeFileSync(notATarball, 'not gzip');
    const badTarball = await run('install', '-i', lzy, '-t', notATarball);
    assert.equal(badTarball.code, 3, badTarball.stderr);
    for (const n of hostNumbers())
      assert.equal(asAdmin(n, 'ls -A ~ | grep -c -e setups -e zookeeper || true').trim(), '0');
  });

  test('64: usage (unknown command or flag, conflicting flags, --purge-data with no terminal and no --yes)', async (t) => {
    if (!requireLab(t)) return;
    for (const args of [['bogus'], ['status', '--bogus'], ['status', '--json', '--raw']])
      assert.equal((await run(...args)).code, 64, args.join(' '));
    const purge = await run('uninstall', '-i', lzy, '--purge-data');
    assert.equal(purge.code, 64, purge.stderr);
    assert.match(purge.stderr, /--yes/);
  });

  test('0 and 2: done or healthy is 0; status unhealthy, plan with changes, check failed are 2', async (t) => {
    if (!requireLab(t)) return;
    const plan = await run('plan', '-i', lzy, '-t', labTarball());
    assert.equal(plan.code, 2, 'plan: something would change');
    const installed = await run('install', '-i', lzy, '-t', labTarball(), '--start');
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.equal((await run('install')).code, 0, 'nothing to change');
    assert.equal((await run('plan')).code, 0, 'plan: nothing would change');
    assert.equal((await run('status')).code, 0, 'healthy');
    assert.equal((await run('check')).code, 0, 'every check passed');
    assert.equal((await run('stop', '--hosts', 'LZY-05')).code, 0);
    const unhealthy = await run('status');
    assert.equal(unhealthy.code, 2, 'one server down: unhealthy');
    assert.match(unhealthy.stdout, /^unhealthy: /m);
    const unreachable = await run('status', '-i', withDeadHost(), '--connect-timeout', '2');
    assert.equal(unreachable.code, 2, 'an unreachable host: unhealthy');
    const noJava = lzyWithoutJava(cwd);
    const checked = await run('check', '-i', noJava);
    assert.equal(checked.code, 2, 'a check failed');
    const unreachableCheck = await run('check', '-i', withDeadHost(), '--connect-timeout', '2');
    assert.equal(unreachableCheck.code, 2, "an unreachable host's ssh check failed");
  });

  test('1: failed on a host (unreachable), the preflight refusing an install, a rolling restart refused', async (t) => {
    if (!requireLab(t)) return;
    // Continues from the previous test's ensemble: four serving, LZY-05 stopped.
    const refused = await run('restart', '-i', lzy);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /not healthy/);
    const unreachable = await run(
      'stop',
      '-i',
      withDeadHost(),
      '--hosts',
      'LZY-03,LZY-05',
      '--connect-timeout',
      '2',
    );
    assert.equal(unreachable.code, 1, unreachable.stdout);
    assert.match(unreachable.stdout, /^LZY-03\s+failed/m);
    const noJava = lzyWithoutJava(cwd, 'no-java-install');
    const preflight = await run('install', '-i', noJava, '-t', labTarball());
    assert.equal(preflight.code, 1, preflight.stdout + preflight.stderr);
    assert.match(preflight.stdout + preflight.stderr, /no \/opt\/nojdk\/bin\/java here/);
    assert.deepEqual(
      await lastRecord(noJava),
      { command: 'install', exitCode: 1 },
      'a refusal leaves a record',
    );
    // Another run holding the lock: test/e2e/faults.test.ts ("two runs at once").
  });

  test('130: interrupted (Ctrl-C) during an install: the lock released, nothing left running on a host, a re-run converges', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    lab('slow', 'LZY-03', '4mbit');
    t.after(() => lab('fast', 'LZY-03'));
    const { child, exited } = zkdeployInBackground(['install', '-i', lzy, '-t', labTarball()], cwd);
    await uploadUnderway(3, 100_000);
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.deepEqual(await lastRecord(lzy), { command: 'install', exitCode: 130 }, 'Ctrl-C leaves a record');
    await assertNothingLeftBehind();
    lab('fast', 'LZY-03');
    const again = await run('install', '-i', lzy, '-t', labTarball());
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(pairsWith(again.stdout, 'failed').length, 0);
    assert.equal(zkOn(3), '');
  });

  test('130: interrupted during a rolling restart: the lock released, nothing of ours left on a host, start brings the ensemble back', async (t) => {
    if (!requireLab(t)) return;
    // Continues from the install above: an installed, stopped ensemble.
    const first = await run('start', '-i', lzy);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const serversBefore = hostNumbers().map(zkOn);
    const { child, output, exited } = zkdeployInBackground(['restart', '-i', lzy], cwd);
    // Interrupted once the restart has stopped a first server: its JVM gone, or already another one
    // (3.4.9's stop is kill -9, and its start can follow before a poll sees the host without one).
    const touched = () => hostNumbers().some((n, i) => zkOn(n) !== serversBefore[i]);
    await until(touched, 'the restart to stop a first server', 60_000);
    child.kill('SIGINT');
    assert.equal(await exited, 130, output().stderr);
    assert.match(
      output().stderr,
      /restart interrupted: a server may be left stopped; `zkdeploy start` brings it back/,
    );
    assert.deepEqual(await lastRecord(lzy), { command: 'restart', exitCode: 130 }, 'Ctrl-C leaves a record');
    await assertNothingLeftBehind();
    const started = await run('start', '-i', lzy);
    assert.equal(started.code, 0, started.stdout + started.stderr);
    assert.equal((await run('status', '-i', lzy)).code, 0, 'healthy again');
  });
});

/** zkdeploy's commands and uploads still running for admin on a host. */
function ourProcesses(n: number): string {
  return inHost(n, "pgrep -u admin -a -f 'zkdeploy-ru[n]|sftp-server' || true").trim();
}

/** After an interrupted run: its lock is gone and none of its commands lives on, on any host. */
async function assertNothingLeftBehind(): Promise<void> {
  assert.equal(existsSync(lockFileOf(lzy)), false, 'the lock was left behind');
  // sshd ends a session's processes when its connection goes.
  const clean = () => hostNumbers().every((n) => ourProcesses(n) === '');
  await until(clean, 'our commands on the hosts to end', 5000).catch(() => undefined);
  for (const n of hostNumbers()) assert.equal(ourProcesses(n), '', `host ${n}`);
}
