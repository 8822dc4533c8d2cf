import type { ClusterSettings } from '../inventory/types.js';
import { membersOf, runningMembership, serverUp } from './current.js';
import { type MembershipFacts, staleState } from './host-state.js';
import { type Member, type MembershipStep, membershipSteps } from './steps.js';
import { type UnfinishedStep, unfinishedStep } from './unfinished.js';

const SERVING = ['leader', 'follower', 'observer'];

/** Why scale will not begin: on a host, or the inventory's (bad input). */
export interface ScaleRefusal {
  host?: string;
  message: string;
  fix: string;
  badInput?: boolean;
}

/** What scale will do, judged before anything changes. */
export interface ScaleJudgement {
  running: { members: Member[]; disagree: string[] };
  wanted: Member[];
  /** A step an earlier scale began and did not finish: first in `steps`, rolling only its hosts behind. */
  unfinished: UnfinishedStep | undefined;
  steps: MembershipStep[];
  refusals: ScaleRefusal[];
}

/**
 * Scale's preflight, pure: from each server's mode and what its host holds, the steps from the
 * running membership (or from a step a killed scale left half done) to the inventory's, and every
 * reason not to begin: lists no scale of zkdeploy's leaves, a step the inventory cannot take, a
 * server of the running list down (a step could lose the quorum), a joining host not reached or
 * bringing state that is not this ensemble's. Undefined when no server runs.
 */
export function judgeScale(
  rows: readonly { name: string; mode: string }[],
  facts: ReadonlyMap<string, MembershipFacts>,
  wanted: Member[],
  cluster: Pick<ClusterSettings, 'dataDir' | 'dataLogDir'>,
): ScaleJudgement | undefined {
  const running = runningMembership(
    rows.map((r) => ({
      name: r.name,
      running: serverUp(r.mode),
      zooCfg: facts.get(r.name)?.zooCfg,
    })),
  );
  if (!running) return undefined;
  const refusals: ScaleRefusal[] = [];
  // Two lists one server apart: a scale stopped midway, whose step this run finishes first.
  const unfinished =
    running.disagree.length > 0
      ? unfinishedStep(
          rows.flatMap((r) => {
            const zooCfg = facts.get(r.name)?.zooCfg;
            return zooCfg === undefined ? [] : [{ name: r.name, members: membersOf(zooCfg) }];
          }),
          wanted,
        )
      : undefined;
  if (running.disagree.length > 0 && !unfinished) {
    refusals.push({
      message: `servers run with different server lists (${running.disagree.join(', ')} differ from the others)`,
      fix: 'bring them to one list first: zkdeploy status shows the drift',
    });
  }
  const from = unfinished ? unfinished.step.after : running.members;
  const { steps: rest, refusals: stepRefusals } = membershipSteps(from, wanted);
  const steps = unfinished ? [unfinished.step, ...rest] : rest;
  refusals.push(...stepRefusals.map((r) => ({ ...r, badInput: true })));
  // Those the unfinished step has still to roll (or start, the server it adds) go first, down or not.
  const resumed = new Set(
    unfinished ? [...unfinished.behind, unfinished.step.member.name].map((n) => n.toLowerCase()) : [],
  );
  for (const member of unfinished ? unfinished.step.before : running.members) {
    if (resumed.has(member.name.toLowerCase())) continue;
    const row = rows.find((r) => r.name.toLowerCase() === member.name.toLowerCase());
    if (!row || !SERVING.includes(row.mode)) {
      refusals.push({
        host: member.name,
        message: `server.${member.myid} is ${row?.mode ?? 'not reached'}: a membership step with a server down could lose the quorum`,
        fix: 'bring it back first (zkdeploy start; zkdeploy status)',
      });
    }
  }
  for (const step of rest.filter((s) => s.kind === 'add')) {
    const found = facts.get(step.member.name);
    const stale = found && staleState(found, step.member.myid);
    if (!found)
      refusals.push({ host: step.member.name, message: 'not reached', fix: 'every host must be reached' });
    else if (stale) {
      refusals.push({
        host: step.member.name,
        message: `${stale}: it would join with state that is not this ensemble's`,
        fix: `move ${cluster.dataDir} and ${cluster.dataLogDir} aside on it (or zkdeploy uninstall --purge-data --hosts ${step.member.name}), then scale`,
      });
    }
  }
  return { running, wanted, unfinished, steps, refusals };
}
