import { ExitCode } from '../errors.js';
import { type HistoryRecord, historyFile, readHistory } from '../run/history.js';
import { color } from '../ui/colors.js';
import { table } from '../ui/summary.js';
import { inventoryFrom } from './common.js';

export interface HistoryOptions {
  inventory?: string;
  json?: boolean;
  lines?: number;
}

/** "5 hosts: 10 changed, 1 failed (LZY-03)": what one command did, in a line. */
function outcomeLine(record: HistoryRecord): string {
  const tally = new Map<string, number>();
  for (const host of record.hosts)
    for (const step of host.steps) tally.set(step.outcome, (tally.get(step.outcome) ?? 0) + 1);
  const failed = record.hosts.filter((h) => h.error).map((h) => h.name);
  const counts = [...tally].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
  return `${record.hosts.length} hosts: ${counts || 'no steps'}${failed.length ? ` (failed: ${failed.join(', ')})` : ''}`;
}

/** The inventory's audit log: every command that changed its hosts, who ran it, and how it ended. */
export async function history(options: HistoryOptions): Promise<number> {
  const inventory = inventoryFrom(options);
  const records = readHistory(inventory.path).slice(-(options.lines ?? 20));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (records.length === 0) {
    process.stdout.write(
      `no command has changed the hosts of ${inventory.file} from this account yet (${historyFile(inventory.path)})\n`,
    );
    return ExitCode.ok;
  }
  const rows = [
    ['when', 'who', 'exit', 'command', 'outcome'].map((h) => color.bold(h)),
    ...records.map((r) => [
      r.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.user,
      r.exitCode === 0 ? color.green('0') : color.red(String(r.exitCode)),
      `zkdeploy ${r.argv.join(' ')}`,
      outcomeLine(r),
    ]),
  ];
  process.stdout.write(`${table(rows)}\n`);
  return ExitCode.ok;
}
