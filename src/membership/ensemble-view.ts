import type { HostSpec } from '../inventory/types.js';
import { collectStatus } from '../ops/ensemble-status.js';
import type { Fleet } from '../run/fleet.js';
import { memberSpec, membersOf, runningMembership, serverUp } from './current.js';
import { type MembershipFacts, probeMembership } from './host-state.js';
import type { Member } from './steps.js';

/** One server of the ensemble as it says of itself: its mode and the server list it started with. */
export interface EnsembleHost {
  name: string;
  /** One the command works on (--hosts selects it), not only one it judges by. */
  selected: boolean;
  /** In the inventory, or only named in a server list read on a host. */
  inInventory: boolean;
  mode: string;
  reachable: boolean;
  /** Its zoo.cfg's server list (undefined: no zoo.cfg, or the host could not be read). */
  members: Member[] | undefined;
  facts: MembershipFacts | undefined;
}

/** The ensemble as the servers see it, and the server list the running ones use. */
export interface EnsembleView {
  hosts: EnsembleHost[];
  /** Hosts whose mode or list could not be read: whatever runs there is not judged. */
  unread: string[];
  running: { members: Member[]; disagree: string[] } | undefined;
}

const lower = (name: string) => name.toLowerCase();

async function readHosts(fleet: Fleet, selected: boolean, inInventory: boolean): Promise<EnsembleHost[]> {
  const facts = new Map<string, MembershipFacts>();
  const [rows] = await Promise.all([
    collectStatus(fleet, { service: false }),
    fleet.eachHostMarkingFailures(async (host, executor) => {
      facts.set(host.spec.name, await probeMembership(executor, fleet.inventory.cluster));
    }),
  ]);
  return rows.map((row) => {
    const found = facts.get(row.name);
    return {
      name: row.name,
      selected,
      inInventory,
      mode: row.mode,
      reachable: row.mode !== 'unreachable',
      members: found?.zooCfg === undefined ? undefined : membersOf(found.zooCfg),
      facts: found,
    };
  });
}

/**
 * What every server of the ensemble says, whatever --hosts selects: the fleet's own hosts, the rest
 * of the inventory, and every host a server list read on them names (a server the inventory dropped
 * may still run, and lead). --hosts narrows what a command changes, never what it judges by.
 * Read-only; the hosts outside the fleet are reached quietly and closed again.
 */
export async function viewEnsemble(fleet: Fleet): Promise<EnsembleView> {
  const known = new Set(fleet.hosts.map((h) => lower(h.spec.name)));
  const rest = fleet.inventory.hosts.filter((spec) => !known.has(lower(spec.name)));
  for (const spec of rest) known.add(lower(spec.name));
  // The rest of the inventory is read beside the fleet's own hosts: a dead one costs one timeout.
  const [own, others] = await Promise.all([
    readHosts(fleet, true, true),
    rest.length > 0 ? readQuietly(fleet, rest, true) : [],
  ]);
  const hosts = [...own, ...others];

  const named = new Map<string, Member>();
  for (const host of hosts)
    for (const member of host.members ?? [])
      if (!known.has(lower(member.name))) named.set(lower(member.name), member);
  if (named.size > 0) {
    hosts.push(...(await readQuietly(fleet, [...named.values()].map(memberSpec), false)));
  }
  const running = runningMembership(
    hosts.map((h) => ({ name: h.name, running: serverUp(h.mode), zooCfg: h.facts?.zooCfg })),
  );
  const unread = hosts.filter((h) => !h.reachable || h.facts === undefined).map((h) => h.name);
  return { hosts, running, unread };
}

async function readQuietly(fleet: Fleet, specs: HostSpec[], inInventory: boolean): Promise<EnsembleHost[]> {
  const quiet = await fleet.openQuietly(specs);
  try {
    return await readHosts(quiet, false, inInventory);
  } finally {
    await quiet.close();
  }
}
