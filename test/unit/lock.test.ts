import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ZkdeployError } from '../../src/errors.js';
import { lockInventory, removeIfUnchanged } from '../../src/run/lock.js';

const dir = mkdtempSync(join(tmpdir(), 'zkdeploy-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes another process's lock for `inventory` into the lock dir (taking then rewriting one). */
function planted(inventory: string, pid: number): void {
  lockInventory(inventory, 'probe', dir);
  const [file] = readdirSync(dir).filter((f) => f.endsWith('.lock'));
  writeFileSync(
    join(dir, file as string),
    JSON.stringify({ pid, command: 'restart', since: '2026-11-28T00:00:00.000Z' }),
  );
}

describe('inventory lock', () => {
  test('a live holder is named with pid, command and since; nothing is taken', () => {
    const holder = spawn('sleep', ['30']);
    try {
      planted('/inv/a.yaml', holder.pid as number);
      assert.throws(
        () => lockInventory('/inv/a.yaml', 'stop', dir),
        (err: unknown) =>
          err instanceof ZkdeployError &&
          err.exitCode === 1 &&
          err.message.includes(`pid ${holder.pid}, \`zkdeploy restart\`, since 2026-11-28T00:00:00.000Z`),
      );
    } finally {
      holder.kill();
    }
  });

  test('a lock left by a dead process is taken over', () => {
    const dead = spawnSync('true').pid;
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    planted('/inv/b.yaml', dead);
    assert.doesNotThrow(() => lockInventory('/inv/b.yaml', 'start', dir));
  });

  test('a takeover never removes a fresh lock another run took after the stale one was read', () => {
    const dead = spawnSync('true').pid;
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    planted('/inv/e.yaml', dead);
    const [name] = readdirSync(dir);
    const file = join(dir, name as string);
    // Run B reads the stale lock; run A takes it over first; then B goes on with what it read.
    const staleSeenByB = readFileSync(file, 'utf8');
    lockInventory('/inv/e.yaml', 'restart', dir);
    const heldByA = readFileSync(file, 'utf8');
    assert.notEqual(heldByA, staleSeenByB);
    removeIfUnchanged(file, staleSeenByB, 'run-b');
    assert.equal(readFileSync(file, 'utf8'), heldByA, "A's lock was removed");
    assert.deepEqual(readdirSync(dir), [name], 'nothing left aside');
    removeIfUnchanged(file, heldByA, 'run-b');
    assert.deepEqual(readdirSync(dir), [], 'the lock judged stale, unchanged, is removed');
  });

  test('different inventories do not block each other', () => {
    assert.doesNotThrow(() => lockInventory('/inv/c.yaml', 'install', dir));
    assert.doesNotThrow(() => lockInventory('/inv/d.yaml', 'install', dir));
  });

  test('one file, one lock: through a symlinked directory or a relative path it is the same lock', () => {
    const locks = mkdtempSync(join(dir, 'same-'));
    const real = join(dir, 'real');
    mkdirSync(real, { recursive: true });
    writeFileSync(join(real, 'lzy.yaml'), 'hosts: []\n');
    symlinkSync(real, join(dir, 'link'));
    const holder = spawn('sleep', ['30']);
    try {
      lockInventory(join(real, 'lzy.yaml'), 'probe', locks);
      const [file] = readdirSync(locks);
      writeFileSync(join(locks, file as string), JSON.stringify({ pid: holder.pid, command: 'restart' }));
      for (const other of [join(dir, 'link', 'lzy.yaml'), join(real, '.', 'lzy.yaml')])
        assert.throws(
          () => lockInventory(other, 'stop', locks),
          (err: unknown) => err instanceof ZkdeployError && err.message.includes(`pid ${holder.pid}`),
          other,
        );
    } finally {
      holder.kill();
    }
  });

  test("another machine's lock (a shared home) is never taken over as stale, whatever its pid", () => {
    const locks = mkdtempSync(join(dir, 'shared-'));
    lockInventory('/inv/f.yaml', 'probe', locks);
    const [name] = readdirSync(locks);
    const file = join(locks, name as string);
    const dead = spawnSync('true').pid;
    const elsewhere = {
      pid: dead,
      host: 'ctl-2.example',
      command: 'upgrade',
      since: '2026-12-01T00:00:00.000Z',
    };
    writeFileSync(file, JSON.stringify(elsewhere));
    assert.throws(
      () => lockInventory('/inv/f.yaml', 'restart', locks),
      (err: unknown) =>
        err instanceof ZkdeployError &&
        err.message.includes(`from host ctl-2.example: pid ${dead}, \`zkdeploy upgrade\``) &&
        (err.fix ?? '').includes(`remove ${file}`),
    );
    assert.equal(readFileSync(file, 'utf8'), JSON.stringify(elsewhere), 'the lock was changed');
  });

  test('the same host name with another machine id is another machine: never taken over', (t) => {
    if (!/^[0-9a-f]{32}$/.test(readFileSync('/etc/machine-id', 'utf8').trim())) {
      t.skip('this machine has no /etc/machine-id');
      return;
    }
    const locks = mkdtempSync(join(dir, 'clone-'));
    lockInventory('/inv/g.yaml', 'probe', locks);
    const [name] = readdirSync(locks);
    const file = join(locks, name as string);
    const dead = spawnSync('true').pid;
    writeFileSync(
      file,
      JSON.stringify({ pid: dead, host: hostname(), machine: 'f'.repeat(32), command: 'restart' }),
    );
    assert.throws(
      () => lockInventory('/inv/g.yaml', 'stop', locks),
      (err: unknown) => err instanceof ZkdeployError && err.message.includes(`from host ${hostname()}`),
    );
  });
});
