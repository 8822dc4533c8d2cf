import type { Fleet } from '../run/fleet.js';
import { color, paintOutcome } from './colors.js';

/** Pads cells into aligned columns. */
export function table(rows: string[][]): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes do not take up columns
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visible(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visible(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The closing summary of a command that runs steps: host × step outcomes, a tally, each failure with its fix. */
export function stepSummary(name: string, fleet: Fleet): string {
  const dryRun = fleet.dryRun;
  const command = dryRun ? `${name} --dry-run` : name;
  const stepIds: string[] = [];
  for (const host of fleet.hosts) for (const s of host.steps) if (!stepIds.includes(s.id)) stepIds.push(s.id);
  // Connecting comes before every step, so its column does too.
  if (stepIds.includes('connect')) stepIds.sort((a, b) => Number(b === 'connect') - Number(a === 'connect'));
  const rows = [['host', ...stepIds].map((h) => color.bold(h))];
  const tally = new Map<string, number>();
  for (const host of fleet.hosts) {
    const cells = stepIds.map((id) => {
      const outcome = host.steps.find((s) => s.id === id)?.outcome ?? (host.error ? 'skipped' : '-');
      tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
      return paintOutcome(dryRun && outcome === 'changed' ? 'would-change' : outcome);
    });
    rows.push([host.spec.name, ...cells]);
  }
  const counts = [...tally].filter(([o]) => o !== '-').map(([o, n]) => `${n} ${o}`);
  const failed = fleet.failed;
  const head =
    failed.length === 0
      ? color.green(`${command}: done on ${fleet.hosts.length} hosts`)
      : color.red(`${command}: failed on ${failed.length} of ${fleet.hosts.length} hosts`);
  const lines = [table(rows), '', `${head} (${counts.join(', ')})`];
  for (const host of failed) {
    const err = host.error;
    const fix = err && 'fix' in err && typeof err.fix === 'string' ? `\n    fix: ${err.fix}` : '';
    lines.push(
      color.red(`  ${host.spec.name}: ${(err?.message ?? '').replace(`${host.spec.name}: `, '')}`) + fix,
    );
  }
  return `${lines.join('\n')}\n`;
}
