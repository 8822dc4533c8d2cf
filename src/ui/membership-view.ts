import type { MembershipChange } from '../membership/change.js';
import { describeStep } from '../membership/steps.js';
import { color } from './colors.js';

/** A membership change as plan, install and scale print it: the change, then each step with its quorum arithmetic. */
export function renderMembership(change: MembershipChange): string {
  const names = (list: MembershipChange['from']) => list.map((m) => m.name).join(', ');
  const lines = [
    color.bold(
      `membership: ${change.from.length} → ${change.to.length} servers, one at a time (zkdeploy scale)`,
    ),
    ...(change.split?.unfinished
      ? [
          color.yellow(
            `  a scale stopped midway through "${change.split.unfinished.step.kind} ${change.split.unfinished.step.member.name}": ${change.split.unfinished.behind.join(', ') || 'no host'} still on the list before it; zkdeploy scale finishes it first`,
          ),
        ]
      : []),
    `  now:  ${names(change.from)}`,
    `  then: ${names(change.to)}`,
    ...change.steps.map((s, i) => `  ${i + 1}. ${describeStep(s)}`),
    ...change.refusals.map((r) => color.red(`  refused: ${r.message}; fix: ${r.fix}`)),
  ];
  return `${lines.join('\n')}\n\n`;
}
