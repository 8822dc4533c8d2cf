import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ensembleName } from '../inventory/memory.js';
import type { Inventory } from '../inventory/types.js';
import type { Fleet, FleetHost } from './fleet.js';

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

/**
 * The changing command under way and the fleet it works with: its record is written however it
 * ends, by `finish`, or by the CLI on an error, a refusal or Ctrl-C (a kill leaves the lock's
 * journal, not this).
 */
let underWay: { command: string; inventory: Inventory; fleet: Fleet | undefined } | undefined;

/** A changing command took its lock: from now on it leaves a record, whatever happens. */
export function historyBegins(command: string, inventory: Inventory): void {
  underWay = { command, inventory, fleet: undefined };
}

/** The fleet a changing command opened last is the one its record describes. */
export function historyFollows(fleet: Fleet): void {
  if (underWay && fleet.inventory.path === underWay.inventory.path) underWay.fleet = fleet;
}

/** Appends what a command did on each host; an audit log that cannot be written is a warning, never a failure. */
export function appendHistory(command: string, fleet: Fleet, exitCode: number): void {
  underWay = undefined;
  writeRecord(command, fleet.inventory, fleet.hosts, exitCode);
}

/** The record of a command that ended without `finish` (an error, a refusal, Ctrl-C); nothing when none is under way. */
export function appendUnfinishedHistory(exitCode: number): void {
  if (!underWay) return;
  const { command, inventory, fleet } = underWay;
  underWay = undefined;
  writeRecord(command, inventory, fleet?.hosts ?? [], exitCode);
}

function writeRecord(command: string, inventory: Inventory, hosts: FleetHost[], exitCode: number): void {
  const record: HistoryRecord = {
    at: new Date().toISOString(),
    user: userInfo().username,
    command,
    argv: process.argv.slice(2),
    inventory: inventory.path,
    inventoryDigest: digestOf(inventory.path),
    exitCode,
    hosts: hosts.map((host) => ({
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
