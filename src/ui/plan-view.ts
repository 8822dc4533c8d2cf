import { createTwoFilesPatch } from 'diff';
import type { MembershipChange } from '../membership/change.js';
import { describeStep } from '../membership/steps.js';
import type { PlannedStep } from '../plan/step.js';
import { color } from './colors.js';

/** What plan knows of one host: its steps, the server's mode, or why it could not be planned. */
export interface HostPlan {
  name: string;
  steps: PlannedStep[];
  server: string;
  error: string | undefined;
}

/** The unified diff of a managed file's step, without the "====" line; empty for other steps. */
function unifiedDiff(step: PlannedStep, host: string): string[] {
  if (!step.file) return [];
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
    .slice(1)
    .filter((line) => line !== '');
}

function fileDiff(step: PlannedStep, host: string): string {
  return unifiedDiff(step, host)
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

/** plan --json: the same facts for scripts (schema in the README). */
export function planJson(plans: HostPlan[], membership?: MembershipChange): string {
  const hosts = plans.map((plan) => ({
    name: plan.name,
    server: plan.error ? null : plan.server,
    error: plan.error ?? null,
    steps: plan.steps.map((step) => ({
      id: step.id,
      title: step.title,
      change: step.change,
      reason: step.reason,
      skipped: step.skipped ?? false,
      diff: step.change && step.file ? `${unifiedDiff(step, plan.name).join('\n')}\n` : null,
      failure: step.failure ?? null,
    })),
  }));
  const changes = plans.reduce((n, p) => n + p.steps.filter((s) => s.change).length, 0);
  const servers = membership && {
    from: membership.from,
    to: membership.to,
    steps: membership.steps.map((step) => ({
      kind: step.kind,
      member: step.member,
      servers: step.after.length,
      says: describeStep(step),
    })),
    refusals: membership.refusals,
    ...(membership.split
      ? {
          split: {
            disagree: membership.split.disagree,
            unfinished: membership.split.unfinished
              ? {
                  kind: membership.split.unfinished.step.kind,
                  member: membership.split.unfinished.step.member,
                  behind: membership.split.unfinished.behind,
                }
              : null,
          },
        }
      : {}),
  };
  return `${JSON.stringify({ changes, hosts, ...(servers ? { membership: servers } : {}) }, null, 2)}\n`;
}
