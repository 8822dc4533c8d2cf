import { diskIsLow, formatDiskFree } from '../ops/disk-free.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import type { Fleet } from '../run/fleet.js';
import { type Health, judgeHealth } from '../zk/health.js';
import { color } from './colors.js';
import { table } from './summary.js';

/**
 * The status table and its health line. Given the rows of the table before (status --watch), what
 * changed is marked: a mode that changed says what it was, a zxid that moved gets an arrow.
 */
export function renderStatus(rows: HostStatus[], health: Health, previous?: readonly HostStatus[]): string {
  const before = new Map((previous ?? []).map((r) => [r.name, r]));
  const paintMode = (mode: string) =>
    mode === 'leader' ? color.cyan(mode) : mode === 'follower' ? color.green(mode) : color.red(mode);
  const paint = (mode: string, name: string) => {
    const was = before.get(name)?.mode;
    return was !== undefined && was !== mode
      ? `${paintMode(mode)} ${color.yellow(`(was ${was})`)}`
      : paintMode(mode);
  };
  const zxid = (r: HostStatus) => {
    const was = before.get(r.name)?.zxid;
    return r.zxid && was && was !== r.zxid ? `${r.zxid} ${color.yellow('↑')}` : (r.zxid ?? '-');
  };
  const withDisk = rows.some((r) => r.disk);
  const disk = (r: HostStatus) =>
    !r.disk ? '-' : diskIsLow(r.disk) ? color.red(formatDiskFree(r.disk)) : formatDiskFree(r.disk);
  const lines = [
    ['host', 'myid', 'mode', 'zxid', 'conns', 'version', 'service', ...(withDisk ? ['disk free'] : [])].map(
      (h) => color.bold(h),
    ),
    ...rows.map((r) => [
      r.name,
      String(r.myid),
      paint(r.mode, r.name),
      zxid(r),
      r.connections?.toString() ?? '-',
      r.version ?? '-',
      r.service ?? '-',
      ...(withDisk ? [disk(r)] : []),
    ]),
  ];
  const low = rows.flatMap((r) =>
    r.disk && diskIsLow(r.disk)
      ? [
          color.yellow(
            `  ${r.name}: only ${formatDiskFree(r.disk)} free on ${r.disk.mount} (the data directories); ZooKeeper stops serving when it cannot write its log`,
          ),
          color.dim(
            '    fix: free space there; autopurge (on by default) keeps 3 snapshots and the logs they need',
          ),
        ]
      : [],
  );
  const errors = rows.flatMap((r) =>
    r.error ? [color.red(`  ${r.error}`), ...(r.fix ? [color.dim(`    fix: ${r.fix}`)] : [])] : [],
  );
  const verdict = health.healthy ? color.green(health.summary) : color.red(health.summary);
  const notes = [...errors, ...low];
  return `${table(lines)}\n\n${verdict}\n${notes.length ? `${notes.join('\n')}\n` : ''}`;
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
