import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import type { Fleet } from '../run/fleet.js';
import { type Health, judgeHealth } from '../zk/health.js';
import { color } from './colors.js';
import { table } from './summary.js';

/** The status table and its health line. */
export function renderStatus(rows: HostStatus[], health: Health): string {
  const paint = (mode: string) =>
    mode === 'leader' ? color.cyan(mode) : mode === 'follower' ? color.green(mode) : color.red(mode);
  const lines = [
    ['host', 'myid', 'mode', 'zxid', 'conns', 'version', 'service'].map((h) => color.bold(h)),
    ...rows.map((r) => [
      r.name,
      String(r.myid),
      paint(r.mode),
      r.zxid ?? '-',
      r.connections?.toString() ?? '-',
      r.version ?? '-',
      r.service ?? '-',
    ]),
  ];
  const errors = rows.flatMap((r) =>
    r.error ? [color.red(`  ${r.error}`), ...(r.fix ? [color.dim(`    fix: ${r.fix}`)] : [])] : [],
  );
  const verdict = health.healthy ? color.green(health.summary) : color.red(health.summary);
  return `${table(lines)}\n\n${verdict}\n${errors.length ? `${errors.join('\n')}\n` : ''}`;
}

/** The status table start ends with: every host's mode and the ensemble's health. */
export async function startedStatus(fleet: Fleet): Promise<string> {
  const rows = await collectStatus(fleet);
  const health = judgeHealth(
    rows.map((r) => r.mode),
    fleet.inventory.hosts.length,
  );
  return `\n${renderStatus(rows, health)}`;
}
