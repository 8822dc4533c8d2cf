import { createTwoFilesPatch } from 'diff';
import type { PlannedStep } from '../plan/step.js';
import { color } from './colors.js';

/** What plan knows of one host: its steps, the server's mode, or why it could not be planned. */
export interface HostPlan {
  name: string;
  steps: PlannedStep[];
  server: string;
  error: string | undefined;
}

function fileDiff(step: PlannedStep, host: string): string {
  if (!step.file) return '';
  const { path, before, after } = step.file;
  const patch = createTwoFilesPatch(
    `${path} (on ${host})`,
    `${path} (to write)`,
    before ?? '',
    after,
    undefined,
    undefined,
    {
      context: 2,
    },
  );
  return patch
    .split('\n')
    .slice(1) // the "====" line
    .filter((line) => line !== '')
    .map((line) => {
      const painted = line.startsWith('+')
        ? color.green(line)
        : line.startsWith('-')
          ? color.red(line)
          : color.dim(line);
      return `      ${painted}`;
    })
    .join('\n');
}

/** Per host, every step that would change (with a unified diff for managed files), then a closing line. */
export function renderPlan(plans: HostPlan[]): string {
  const lines: string[] = [];
  let changes = 0;
  let hostsChanging = 0;
  for (const plan of plans) {
    if (plan.error) {
      lines.push(`${color.bold(plan.name)}  ${color.red(`cannot plan: ${plan.error}`)}`);
      continue;
    }
    const changing = plan.steps.filter((s) => s.change);
    const unchanged = plan.steps.length - changing.length;
    changes += changing.length;
    if (changing.length > 0) hostsChanging++;
    const tally =
      changing.length > 0 ? color.yellow(`${changing.length} to change`) : color.green('nothing to change');
    lines.push(`${color.bold(plan.name)}  ${tally}, ${unchanged} unchanged; server ${plan.server}`);
    for (const step of changing) {
      lines.push(`  ~ ${step.id}: ${step.title} (${step.reason})`);
      const diff = fileDiff(step, plan.name);
      if (diff) lines.push(diff);
    }
  }
  lines.push('');
  lines.push(
    changes === 0
      ? color.green('plan: nothing to change')
      : color.yellow(
          `plan: ${changes} step${changes === 1 ? '' : 's'} to change on ${hostsChanging} host${hostsChanging === 1 ? '' : 's'}; zkdeploy install applies them`,
        ),
  );
  return `${lines.join('\n')}\n`;
}
