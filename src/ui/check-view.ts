import type { CheckReport } from '../check/run.js';
import { color } from './colors.js';
import { table } from './summary.js';

const paint = (status: string) =>
  status === 'pass' ? color.green(status) : status === 'warn' ? color.yellow(status) : color.red(status);

/** The host × check table, then every warning and failure with its fix. */
export function renderCheck(report: CheckReport): string {
  // service (service: systemd) and become (--become) only where some host was checked for them.
  const ids = [
    'ssh',
    'java',
    'disk',
    'ports',
    'names',
    'network',
    'firewall',
    ...['service', 'become'].filter((id) => report.hosts.some((h) => h.results.some((r) => r.id === id))),
  ];
  const rows = [
    ['host', ...ids].map((h) => color.bold(h)),
    ...report.hosts.map((h) => [
      h.name,
      ...ids.map((id) => paint(h.results.find((r) => r.id === id)?.status ?? '-')),
    ]),
  ];
  const details: string[] = [];
  for (const host of report.hosts) {
    for (const r of host.results) {
      if (r.status === 'pass') continue;
      details.push(
        `  ${host.name} ${r.id}: ${paint(r.status)}: ${r.message}${r.fix ? `\n    fix: ${r.fix}` : ''}`,
      );
    }
  }
  for (const r of report.ensemble) {
    details.push(
      `  ensemble ${r.id}: ${paint(r.status)}: ${r.message}${r.fix && r.status !== 'pass' ? `\n    fix: ${r.fix}` : ''}`,
    );
  }
  const verdict = report.failed ? color.red('check: failed') : color.green('check: passed');
  return `${table(rows)}\n\n${details.join('\n')}\n\n${verdict}\n`;
}
