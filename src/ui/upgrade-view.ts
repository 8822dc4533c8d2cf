import type { UpgradeRecord } from '../upgrade/host-state.js';
import type { HostRoll, Refusal } from '../upgrade/preflight.js';
import type { SinceUpgrade } from '../upgrade/rollback-restore.js';
import { hexZxid } from '../zk/txn-log.js';
import { color } from './colors.js';
import { table } from './summary.js';

const WHAT: Record<HostRoll['action'], string> = {
  done: 'runs it already',
  start: 'switched, down: start',
  roll: 'stop, archive, switch, start',
};

/** The preflight's table: each host's mode and release, what its turn does, and its data's snapshot state. */
export function renderPreflight(title: string, hosts: HostRoll[]): string {
  const rows = [
    ['host', 'mode', 'version', 'turn', 'snapshot', 'archive copies'].map((h) => color.bold(h)),
    ...hosts.map((h) => [
      h.name,
      h.mode,
      h.version ?? '-',
      WHAT[h.action],
      h.trustEmpty ? color.yellow('none: trust.empty once') : 'yes',
      h.action === 'roll' ? `${Math.max(1, Math.round(h.archiveKiB / 1024))} MiB` : '-',
    ]),
  ];
  return `${color.bold(title)}\n${table(rows)}\n\n`;
}

/** The refusals, each with its host and fix, as printed before nothing is changed. */
export function renderRefusals(refusals: Refusal[]): string {
  return `${refusals
    .map((r) => `${color.red(`  ${r.host ? `${r.host}: ` : ''}${r.message}`)}\n    fix: ${r.fix}`)
    .join('\n')}\n`;
}

/** What a restoring rollback loses, host by host, said before it asks. */
export function describeLoss(scans: SinceUpgrade[], record: Pick<UpgradeRecord, 'from' | 'to'>): string {
  const lines = scans
    .filter((s) => s.transactions > 0)
    .sort((a, b) => a.host.localeCompare(b.host))
    .map((s) => {
      const types = [...s.unreadable].map(([type, n]) => `${type} ×${n}`).join(', ');
      return `  ${s.host}: ${s.transactions} transactions since its archive, up to ${hexZxid(s.lastZxid)}${types ? `; ${record.from} cannot load: ${types}` : ''}`;
    });
  return `${color.yellow(`${record.to} has written transactions ${record.from} cannot load. Rolling back means restoring the data archived before the upgrade, on every server at once (downtime), and losing what was written since:`)}\n${lines.join('\n')}\n`;
}
