import { groupByList } from './current.js';
import { type Member, type MembershipStep, memberKey } from './steps.js';

const same = (a: Member, b: Member) => memberKey(a) === memberKey(b);

/** A membership step a scale began and did not finish, and the hosts it has still to roll. */
export interface UnfinishedStep {
  step: MembershipStep;
  /** Hosts still holding the list from before the step (running or stopped), to roll onto the one after. */
  behind: string[];
}

/**
 * A scale stopped midway (Ctrl-C, a dead laptop, a server that did not come back) leaves the
 * ensemble's hosts split between two lists one server apart: some rolled onto the list after its
 * step, the others still on the one before. Which way the step went is the inventory's: toward the
 * list holding the server when the inventory lists it (an add), toward the one without it when it
 * does not (a remove). `hosts`: every host of the ensemble with a zoo.cfg, running or not. Anything
 * else (three lists, two lists further apart) is no step of zkdeploy's, and undefined.
 */
export function unfinishedStep(
  hosts: readonly { name: string; members: Member[] }[],
  wanted: readonly Member[],
): UnfinishedStep | undefined {
  const groups = groupByList(hosts);
  if (groups.length !== 2) return undefined;
  const [longer, shorter] = [...groups].sort((a, b) => b.members.length - a.members.length);
  if (!longer || !shorter || longer.members.length !== shorter.members.length + 1) return undefined;
  if (!shorter.members.every((m) => longer.members.some((l) => same(l, m)))) return undefined;
  const member = longer.members.find((m) => !shorter.members.some((s) => same(s, m)));
  if (!member) return undefined;
  const adding = wanted.some((w) => same(w, member));
  const [before, after] = adding ? [shorter, longer] : [longer, shorter];
  // The server going out keeps the longer list to the end (it is stopped, never rolled).
  const behind = before.hosts.filter((name) => name.toLowerCase() !== member.name.toLowerCase());
  return {
    step: { kind: adding ? 'add' : 'remove', member, before: before.members, after: after.members },
    behind,
  };
}
