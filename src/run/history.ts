import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ensembleName } from '../inventory/memory.js';
import type { Fleet } from './fleet.js';

/** One command that changed hosts, as the audit log keeps it. */
export interface HistoryRecord {
  /** When it ended (ISO 8601), who ran it, and how. */
  at: string;
  user: string;
  command: string;
  argv: string[];
  inventory: string;
  /** sha256 of the inventory file as it was read: which version of it the command used. */
  inventoryDigest: string;
  exitCode: number;
  hosts: { name: string; steps: { id: string; outcome: string; detail: string }[]; error?: string }[];
}

/** The audit log of an inventory: with zkdeploy's state for the user (XDG), one JSON line per command. */
export function historyFile(inventoryPath: string): string {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  const key = createHash('sha256').update(inventoryPath).digest('hex').slice(0, 8);
  return join(state, 'zkdeploy', 'history', `${ensembleName(inventoryPath)}-${key}.jsonl`);
}

function digestOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'unreadable';
  }
}

/** Appends what a command did on each host; an audit log that cannot be written is a warning, never a failure. */
export function appendHistory(command: string, fleet: Fleet, exitCode: number): void {
  const { inventory } = fleet;
  const record: HistoryRecord = {
    at: new Date().toISOString(),
    user: userInfo().username,
    command,
    argv: process.argv.slice(2),
    inventory: inventory.path,
    inventoryDigest: digestOf(inventory.path),
    exitCode,
    hosts: fleet.hosts.map((host) => ({
      name: host.spec.name,
      steps: host.steps.map((s) => ({ id: s.id, outcome: s.outcome, detail: s.detail })),
      ...(host.error ? { error: host.error.message } : {}),
    })),
  };
  const file = historyFile(inventory.path);
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  } catch (err: unknown) {
    process.stderr.write(`zkdeploy: warning: the audit log ${file} could not be written: ${String(err)}\n`);
  }
}

/** The audit log's records, oldest first; a damaged line is skipped, never fatal. */
export function readHistory(inventoryPath: string): HistoryRecord[] {
  const file = historyFile(inventoryPath);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as HistoryRecord];
      } catch {
        return [];
      }
    });
}
