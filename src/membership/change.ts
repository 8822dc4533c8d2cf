import type { Fleet } from '../run/fleet.js';
import { wantedMembers } from './current.js';
import { viewEnsemble } from './ensemble-view.js';
import { type Member, type MembershipRefusal, type MembershipStep, membershipSteps } from './steps.js';

/** How the inventory's server list differs from the one the running servers use. */
export interface MembershipChange {
  from: Member[];
  to: Member[];
  steps: MembershipStep[];
  refusals: MembershipRefusal[];
}

/**
 * The membership change the inventory asks of the running ensemble, judged on every server of it
 * whatever --hosts selects (read-only: each host's mode and its zoo.cfg's server list), or undefined
 * when no server runs or the lists agree.
 */
export async function membershipChange(fleet: Fleet): Promise<MembershipChange | undefined> {
  const { running } = await viewEnsemble(fleet);
  if (!running) return undefined;
  const to = wantedMembers(fleet.inventory);
  const { steps, refusals } = membershipSteps(running.members, to);
  if (steps.length === 0 && refusals.length === 0) return undefined;
  return { from: running.members, to, steps, refusals };
}
