import { collectStatus } from '../ops/ensemble-status.js';
import type { Fleet } from '../run/fleet.js';
import { runningMembership, serverUp, wantedMembers } from './current.js';
import { type MembershipFacts, probeMembership } from './host-state.js';
import { type Member, type MembershipRefusal, type MembershipStep, membershipSteps } from './steps.js';

/** How the inventory's server list differs from the one the running servers use. */
export interface MembershipChange {
  from: Member[];
  to: Member[];
  steps: MembershipStep[];
  refusals: MembershipRefusal[];
}

/**
 * The membership change the inventory asks of the running ensemble (read-only: each host's mode and
 * its zoo.cfg's server list), or undefined when no server runs or the lists agree.
 */
export async function membershipChange(fleet: Fleet): Promise<MembershipChange | undefined> {
  const facts = new Map<string, MembershipFacts>();
  const [rows] = await Promise.all([
    collectStatus(fleet, { service: false }),
    fleet.eachHostMarkingFailures(async (host, executor) => {
      facts.set(host.spec.name, await probeMembership(executor, fleet.inventory.cluster));
    }),
  ]);
  const running = runningMembership(
    rows.map((r) => ({
      name: r.name,
      running: serverUp(r.mode),
      zooCfg: facts.get(r.name)?.zooCfg,
    })),
  );
  if (!running) return undefined;
  const to = wantedMembers(fleet.inventory);
  const { steps, refusals } = membershipSteps(running.members, to);
  if (steps.length === 0 && refusals.length === 0) return undefined;
  return { from: running.members, to, steps, refusals };
}
