import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ZkdeployError } from '../../src/errors.js';
import { lockInventory } from '../../src/run/lock.js';

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

  test('different inventories do not block each other', () => {
    assert.doesNotThrow(() => lockInventory('/inv/c.yaml', 'install', dir));
    assert.doesNotThrow(() => lockInventory('/inv/d.yaml', 'install', dir));
  });
});
