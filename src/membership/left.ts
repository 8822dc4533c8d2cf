import { HostError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { stopServer } from '../ops/lifecycle.js';
import { findZookeeperHome, ourServerAliveTest } from '../ops/server-host.js';
import { Fleet, type FleetOptions } from '../run/fleet.js';
import { readHistory } from '../run/history.js';
import { SILENT_PROGRESS } from '../run/progress.js';
import { memberSpec, membersOf, wantedMembers } from './current.js';
import { probeMembership } from './host-state.js';
import type { Member } from './steps.js';

/**
 * Servers the last scale that moved them took out (its `-NAME` step on that host, not undone by a
 * later `+NAME`) and that the inventory no longer lists.
 */
export function serversLeft(inventory: Inventory): string[] {
  const listed = new Set(inventory.hosts.map((h) => h.name.toLowerCase()));
  const names = new Set<string>();
  for (const record of readHistory(inventory.path)) {
    if (record.command !== 'scale') continue;
    for (const host of record.hosts) {
      if (host.steps.some((s) => s.id === `+${host.name}`)) names.delete(host.name);
      if (host.steps.some((s) => s.id === `-${host.name}`)) names.add(host.name);
    }
  }
  return [...names].filter((name) => !listed.has(name.toLowerCase()));
}

/** A server taken out by an earlier scale whose ZooKeeper runs again, and the list its zoo.cfg gives it. */
export interface LeftRunning {
  name: string;
  /** Its zoo.cfg's servers; empty when there is none to read. */
  members: Member[];
  /**
   * Its list names a server of this inventory (same id and name) besides itself: it is this
   * ensemble's old member, ours to stop. Otherwise the host now serves something else, left alone.
   */
  ours: boolean;
}

/** server.1=LZY-01, server.2=LZY-02: a list as zoo.cfg spells it, for messages. */
export const spellList = (members: readonly Member[]) =>
  members.length ? members.map((m) => `server.${m.myid}=${m.name}`).join(', ') : 'no server list';

/** Whether `members` (a left server's list) is this inventory's ensemble, as `ours` says. */
export function listsThisEnsemble(name: string, members: readonly Member[], inventory: Inventory): boolean {
  const wanted = wantedMembers(inventory);
  return members.some(
    (m) =>
      m.name.toLowerCase() !== name.toLowerCase() &&
      wanted.some((w) => w.myid === m.myid && w.name.toLowerCase() === m.name.toLowerCase()),
  );
}

/** The left servers that run again, with the fleet that reached them (the caller stops or closes it). */
export interface LeftServers {
  running: LeftRunning[];
  /** Stops these (ours, found running), their data kept; a stop that fails is that host's error. */
  stop(servers: readonly LeftRunning[], timeoutSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Reads, over SSH with the inventory's settings, which servers taken out by an earlier scale run
 * again and with which list; read-only. One that cannot be reached is gone, not a failure.
 */
export async function findLeftRunning(inventory: Inventory, settings: FleetOptions): Promise<LeftServers> {
  const names = serversLeft(inventory);
  if (names.length === 0) return { running: [], stop: async () => undefined, close: async () => undefined };
  const members = names.map((name) => ({ myid: 0, name }));
  const fleet = await Fleet.open(
    inventory,
    { ...settings, display: async () => SILENT_PROGRESS },
    members.map(memberSpec),
  );
  const running: LeftRunning[] = [];
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    // Only a server zkdeploy started there counts: one a package or another team runs is not ours to stop.
    if ((await executor.probe(ourServerAliveTest(inventory.cluster))).code !== 0) return;
    const zooCfg = (await probeMembership(executor, inventory.cluster)).zooCfg;
    const list = zooCfg === undefined ? [] : membersOf(zooCfg);
    running.push({
      name: host.spec.name,
      members: list,
      ours: listsThisEnsemble(host.spec.name, list, inventory),
    });
  });
  return {
    running,
    close: () => fleet.close(),
    stop: async (servers, timeoutSeconds) => {
      for (const left of servers.filter((l) => l.ours)) {
        const executor = fleet.hosts.find((h) => h.spec.name === left.name)?.executor;
        if (!executor) throw new HostError(left.name, 'connection lost before its server could be stopped');
        try {
          await stopServer(executor, inventory.cluster, await findZookeeperHome(executor), timeoutSeconds);
        } catch (err: unknown) {
          throw new HostError(
            left.name,
            `it left the ensemble in an earlier scale and runs again with this ensemble's old list; stopping it failed: ${err instanceof Error ? err.message : String(err)}`,
            `stop it on ${left.name} by hand (zkServer.sh stop), then run zkdeploy scale again; nothing of the ensemble was changed`,
          );
        }
      }
    },
  };
}
