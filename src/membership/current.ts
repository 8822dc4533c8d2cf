import { HOSTNAME } from '../inventory/schema.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import { readZooCfgLines } from '../zk/drift.js';
import { type Member, memberKey } from './steps.js';

/** The voting servers a zoo.cfg lists (server.N=host:quorum:election), by id. */
export function membersOf(zooCfg: string): Member[] {
  return readZooCfgLines(zooCfg)
    .flatMap(({ key, value }) => {
      const id = /^server\.(\d+)$/.exec(key)?.[1];
      const [name, , , role] = value.split(':');
      // Read back from a host: a name that is not a plain host name is never used to reach one.
      if (!id || !name || !HOSTNAME.test(name)) return [];
      return [{ myid: Number(id), name, ...(role?.startsWith('observer') ? { observer: true } : {}) }];
    })
    .sort((a, b) => a.myid - b.myid);
}

export const sameMembers = (a: readonly Member[], b: readonly Member[]) =>
  a.length === b.length && a.every((m, i) => b[i] !== undefined && memberKey(m) === memberKey(b[i]));

/** The inventory's servers as members. */
export const wantedMembers = (inventory: Inventory): Member[] =>
  inventory.hosts
    .map((h) => ({ myid: h.myid, name: h.name, ...(h.observer ? { observer: true } : {}) }))
    .sort((a, b) => a.myid - b.myid);

/** A server whose JVM answers on its client port, serving or not (an electing one has read its zoo.cfg too). */
export const serverUp = (mode: string) => mode !== 'down' && mode !== 'unreachable';

/** Hosts grouped by the server list they hold, the list most of them hold first. */
export function groupByList(
  hosts: readonly { name: string; members: Member[] }[],
): { members: Member[]; hosts: string[] }[] {
  const groups = new Map<string, { members: Member[]; hosts: string[] }>();
  for (const host of hosts) {
    const id = host.members.map(memberKey).join(' ');
    const group = groups.get(id) ?? { members: host.members, hosts: [] };
    group.hosts.push(host.name);
    groups.set(id, group);
  }
  return [...groups.values()].sort((a, b) => b.hosts.length - a.hosts.length);
}

/**
 * The membership the ensemble runs with: the server list in the zoo.cfg of the hosts whose server
 * runs (they read it at their start). Undefined when none runs; `disagree` names the hosts whose
 * lists differ from the one most of them have.
 */
export function runningMembership(
  hosts: readonly { name: string; running: boolean; zooCfg: string | undefined }[],
): { members: Member[]; disagree: string[] } | undefined {
  const lists = hosts
    .filter((h) => h.running && h.zooCfg !== undefined)
    .map((h) => ({ name: h.name, members: membersOf(h.zooCfg as string) }));
  const [most] = groupByList(lists);
  if (!most) return undefined;
  return {
    members: most.members,
    disagree: lists.filter((l) => !most.hosts.includes(l.name)).map((l) => l.name),
  };
}

/** A server the inventory does not list, reached by its server.N name with the inventory's SSH settings. */
export const memberSpec = (member: Member): HostSpec => ({
  name: member.name,
  myid: member.myid,
  address: undefined,
  port: undefined,
  proxyJump: undefined,
  ...(member.observer ? { observer: true } : {}),
});

/**
 * The inventory with its server list replaced: what zoo.cfg is rendered from at one step of a
 * membership change. A member the inventory no longer has (one on its way out) is reached by its
 * server.N name, with the inventory's SSH settings.
 */
export function inventoryWithMembers(inventory: Inventory, members: readonly Member[]): Inventory {
  const hosts: HostSpec[] = members.map(
    (m) =>
      inventory.hosts.find(
        (h) =>
          h.myid === m.myid &&
          h.name.toLowerCase() === m.name.toLowerCase() &&
          Boolean(h.observer) === Boolean(m.observer),
      ) ?? memberSpec(m),
  );
  return { ...inventory, hosts };
}
