import type { Fleet } from '../run/fleet.js';
import { wantedMembers } from './current.js';
import { type EnsembleView, viewEnsemble } from './ensemble-view.js';
import { type Member, type MembershipRefusal, type MembershipStep, membershipSteps } from './steps.js';
import { type UnfinishedStep, unfinishedStep } from './unfinished.js';

/** How the inventory's server list differs from the one the running servers use. */
export interface MembershipChange {
  from: Member[];
  to: Member[];
  steps: MembershipStep[];
  refusals: MembershipRefusal[];
  /**
   * Running servers whose lists differ from the others': a scale stopped midway (`unfinished`, its
   * step first in `steps`) or lists no scale of zkdeploy's leaves. Only scale may go on from here:
   * writing one list under servers running two would hide the split from every later run.
   */
  split?: { disagree: string[]; unfinished: UnfinishedStep | undefined };
}

/**
 * The membership change the inventory asks of the running ensemble, judged on every server of it
 * whatever --hosts selects (read-only: each host's mode and its zoo.cfg's server list), or undefined
 * when no server runs, or the running servers all run the inventory's list.
 */
export async function membershipChange(
  fleet: Fleet,
  view?: EnsembleView,
): Promise<MembershipChange | undefined> {
  const { running, hosts } = view ?? (await viewEnsemble(fleet));
  if (!running) return undefined;
  const to = wantedMembers(fleet.inventory);
  if (running.disagree.length > 0) {
    const lists = hosts.flatMap((h) => (h.members ? [{ name: h.name, members: h.members }] : []));
    const unfinished = unfinishedStep(lists, to);
    const from = unfinished ? unfinished.step.before : running.members;
    const { steps, refusals } = membershipSteps(unfinished ? unfinished.step.after : from, to);
    return {
      from,
      to,
      steps: unfinished ? [unfinished.step, ...steps] : steps,
      refusals: unfinished
        ? refusals
        : [
            ...refusals,
            {
              message: `servers run with different server lists (${running.disagree.join(', ')} differ from the others), which no zkdeploy scale leaves`,
              fix: 'bring them to one list first: zkdeploy status shows the drift',
            },
          ],
      split: { disagree: running.disagree, unfinished },
    };
  }
  const { steps, refusals } = membershipSteps(running.members, to);
  if (steps.length === 0 && refusals.length === 0) return undefined;
  return { from: running.members, to, steps, refusals };
}
