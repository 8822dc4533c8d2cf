import { createHash, randomBytes } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ExitCode, ZkdeployError } from '../errors.js';

export interface LockOwner {
  pid: number;
  /** The machine the holder runs on: its pid means nothing on another (a home shared over NFS). */
  host: string;
  /** /etc/machine-id, where the machine has one. */
  machine?: string | undefined;
  command: string;
  since: string;
  /** Tells one holder's lock from another's, even from the same pid's. */
  token: string;
}

function readLock(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Removes a stale lock only if it is still the one judged stale. The rename is atomic: whatever lock
 * is there now is moved aside; a fresh one that another run took meanwhile is linked back, never lost.
 */
export function removeIfUnchanged(file: string, staleText: string | undefined, token: string): void {
  const aside = `${file}.${token}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // Gone already: someone else took it over; the next attempt decides.
  }
  if (readLock(aside) !== staleText) {
    try {
      linkSync(aside, file);
    } catch {
      // Yet another run holds a new lock: the next attempt names it.
    }
  }
  unlinkSync(aside);
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
 * The inventory file itself, however it is named: through a symlinked directory, relative or
 * absolute, from --inventory or ZKDEPLOY_INVENTORY, each path to one file is one lock.
 */
export function canonicalInventoryPath(inventoryPath: string): string {
  const absolute = resolve(inventoryPath);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

const lockFile = (inventoryPath: string, dir: string) =>
  join(
    dir,
    `${createHash('sha256').update(canonicalInventoryPath(inventoryPath)).digest('hex').slice(0, 16)}.lock`,
  );
const thisHost = hostname();
/** systemd's (or D-Bus's) id of this installation, where there is one: tells apart two machines that share a name. */
function readMachineId(): string | undefined {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const id = readLock(file)?.trim();
    if (id && /^[0-9a-f]{32}$/.test(id)) return id;
  }
  return undefined;
}
const thisMachine = readMachineId();
/**
 * A holder on this machine is judged by its pid; one on another machine cannot be, and is never
 * stale. Another name or another machine id is another machine (a renamed laptop's own old lock is
 * then named with the file to remove: refusing is the safe mistake).
 */
const heldElsewhere = (owner: Partial<LockOwner>) =>
  (typeof owner.host === 'string' && owner.host !== thisHost) ||
  (typeof owner.machine === 'string' && thisMachine !== undefined && owner.machine !== thisMachine);
const LOCK_DIR = join(homedir(), '.zkdeploy', 'locks');

/** This process as a lock's holder, for a lock kept on a host (run/host-lock.ts). */
export function thisHolder(command: string, token: string): LockOwner {
  return {
    pid: process.pid,
    host: thisHost,
    ...(thisMachine ? { machine: thisMachine } : {}),
    command,
    since: new Date().toISOString(),
    token,
  };
}

/**
 * Whoever holds a lock as its text says: a live run of this machine, one of another machine (never
 * judged stale from here), a dead run of this machine (stale), or text that names no holder.
 */
export function judgeHolder(
  text: string,
): { kind: 'live' | 'elsewhere' | 'stale'; owner: Partial<LockOwner> } | { kind: 'unreadable' } {
  let owner: Partial<LockOwner>;
  try {
    owner = JSON.parse(text) as Partial<LockOwner>;
  } catch {
    return { kind: 'unreadable' };
  }
  if (typeof owner !== 'object' || owner === null || typeof owner.pid !== 'number')
    return { kind: 'unreadable' };
  if (heldElsewhere(owner)) return { kind: 'elsewhere', owner };
  return { kind: owner.pid !== process.pid && alive(owner.pid) ? 'live' : 'stale', owner };
}

/** The command that holds this machine's lock on an inventory now (a live holder), if any. */
export function lockHolder(
  inventoryPath: string,
  dir = LOCK_DIR,
): { pid: number; command: string; since?: string; host?: string } | undefined {
  try {
    const owner = JSON.parse(readLock(lockFile(inventoryPath, dir)) ?? '') as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && (heldElsewhere(owner) || alive(owner.pid)))
      return {
        pid: owner.pid,
        command: owner.command ?? '?',
        ...(owner.since ? { since: owner.since } : {}),
        ...(heldElsewhere(owner) ? { host: owner.host as string } : {}),
      };
  } catch {
    // No lock, or an unreadable one: nobody holds it.
  }
  return undefined;
}

/**
 * Takes this machine's lock on an inventory for a command that changes hosts, released when the
 * process exits. A live holder is named and nothing is touched; a dead one's lock is taken over.
 */
export function lockInventory(inventoryPath: string, command: string, dir = LOCK_DIR): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = lockFile(inventoryPath, dir);
  const token = randomBytes(8).toString('hex');
  const mine = thisHolder(command, token);
  const text = `${JSON.stringify({ ...mine, inventory: canonicalInventoryPath(inventoryPath) })}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
      // Released on exit only while it is still ours: a lock taken over from us is not ours to remove.
      process.once('exit', () => {
        if (readLock(file) === text) removeIfUnchanged(file, text, token);
      });
      return;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const ownerText = readLock(file);
    let owner: Partial<LockOwner> = {};
    try {
      owner = JSON.parse(ownerText ?? '') as Partial<LockOwner>;
    } catch {
      // An unreadable lock is as good as stale.
    }
    if (heldElsewhere(owner)) {
      throw new ZkdeployError(
        `another zkdeploy holds the lock on ${inventoryPath} from host ${owner.host}: pid ${owner.pid ?? '?'}, \`zkdeploy ${owner.command ?? '?'}\`, since ${owner.since ?? '?'}; nothing was touched`,
        ExitCode.failed,
        `wait for it to finish; a run on another machine is never judged stale from here: if it is gone for certain, remove ${file}`,
      );
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
    removeIfUnchanged(file, ownerText, token);
  }
  throw new ZkdeployError(`could not take the lock on ${inventoryPath}`, ExitCode.failed, 'try again');
}
