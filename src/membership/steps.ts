import { quorumOf } from '../zk/health.js';
/** A voting server of the ensemble, as its server.N line names it. */
export interface Member {
  myid: number;
  name: string;
  /** A non-voting observer: it never counts for the quorum. */
  observer?: boolean | undefined;
}

/** One server in or out, with the ensemble before and after it. */
export interface MembershipStep {
  kind: 'add' | 'remove';
  member: Member;
  before: Member[];
  after: Member[];
}

/** A membership the procedure cannot reach safely, with the way that can. */
export interface MembershipRefusal {
  message: string;
  fix: string;
}

const byId = (members: readonly Member[]) => [...members].sort((a, b) => a.myid - b.myid);
/** A server's identity in a list: its id, its name whatever the case, and whether it observes. */
export const memberKey = (m: Member) => `${m.myid}=${m.name.toLowerCase()}${m.observer ? ':observer' : ''}`;
const voters = (members: readonly Member[]) => members.filter((m) => !m.observer).length;

/**
 * The steps from the servers' membership to the inventory's, one server at a time (never a list
 * that changes by more than one: that is how two quorums form). Servers come in before any goes
 * out, so the ensemble never tolerates fewer failures on the way than at either end.
 */
export function membershipSteps(
  current: readonly Member[],
  wanted: readonly Member[],
): { steps: MembershipStep[]; refusals: MembershipRefusal[] } {
  const refusals: MembershipRefusal[] = [];
  const wantedKeys = new Set(wanted.map(memberKey));
  const currentKeys = new Set(current.map(memberKey));
  const adds = wanted.filter((m) => !currentKeys.has(memberKey(m)));
  const removes = current.filter((m) => !wantedKeys.has(memberKey(m)));
  for (const add of adds) {
    const taken = current.find((m) => m.myid === add.myid && !wantedKeys.has(memberKey(m)));
    if (taken) {
      refusals.push({
        message: `server.${add.myid} is ${taken.name} in the running ensemble and ${add.name} in the inventory: one id cannot leave and come back in one change`,
        fix: `give ${add.name} an id no server uses (myid: in the inventory), or remove ${taken.name} first and add ${add.name} in a later run`,
      });
    }
  }
  if (refusals.length > 0) return { steps: [], refusals };
  const steps: MembershipStep[] = [];
  let members = byId(current);
  for (const member of adds) {
    const after = byId([...members, member]);
    steps.push({ kind: 'add', member, before: members, after });
    members = after;
  }
  for (const member of removes) {
    const after = members.filter((m) => memberKey(m) !== memberKey(member));
    if (after.length === 0) {
      refusals.push({ message: 'the inventory removes every server', fix: 'uninstall the ensemble instead' });
      break;
    }
    steps.push({ kind: 'remove', member, before: members, after });
    members = after;
  }
  return { steps, refusals };
}

/** "5 → 6: quorum 3 → 4, tolerates 2 → 2 failures (an even count: no more failures tolerated than 5)". */
export function describeStep(step: MembershipStep): string {
  const [from, to] = [voters(step.before), voters(step.after)];
  const [q1, q2] = [quorumOf(from), quorumOf(to)];
  const what = `${step.kind} ${step.member.name} (server.${step.member.myid}${step.member.observer ? ', observer' : ''})`;
  if (step.member.observer)
    return `${what}: ${from} voting servers, quorum ${q1.majority}, tolerating ${q1.tolerates} failures, unchanged`;
  const even = to % 2 === 0 ? `; ${to} is even: it tolerates no more failures than ${to - 1}` : '';
  return `${what}: ${from} → ${to} servers, quorum ${q1.majority} → ${q2.majority}, tolerating ${q1.tolerates} → ${q2.tolerates} failures${even}`;
}
