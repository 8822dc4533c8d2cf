import type { HostRoll, Refusal } from '../upgrade/preflight.js';
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
