import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, ZkdeployError } from '../errors.js';

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes this machine's lock on an inventory for a command that changes hosts, released when the
 * process exits. A live holder is named and nothing is touched; a dead one's lock is taken over.
 */
export function lockInventory(
  inventoryPath: string,
  command: string,
  dir = join(homedir(), '.zkdeploy', 'locks'),
): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${createHash('sha256').update(inventoryPath).digest('hex').slice(0, 16)}.lock`);
  const mine: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify({ ...mine, inventory: inventoryPath })}\n`, {
        flag: 'wx',
        mode: 0o600,
      });
      process.once('exit', () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      });
      return;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner: Partial<LockOwner> = {};
    try {
      owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    } catch {
      // An unreadable lock is as good as stale.
    }
    if (typeof owner.pid === 'number' && owner.pid !== process.pid && alive(owner.pid)) {
      throw new ZkdeployError(
        `another zkdeploy holds the lock on ${inventoryPath}: pid ${owner.pid}, \`zkdeploy ${owner.command ?? '?'}\`, since ${owner.since ?? '?'}; nothing was touched`,
        ExitCode.failed,
        'wait for it to finish, or stop it first',
      );
    }
    process.stderr.write(
      `zkdeploy: warning: taking over a stale lock left by pid ${owner.pid ?? '?'} (${owner.command ?? '?'}, since ${owner.since ?? '?'})\n`,
    );
    unlinkSync(file);
  }
  throw new ZkdeployError(`could not take the lock on ${inventoryPath}`, ExitCode.failed, 'try again');
}
