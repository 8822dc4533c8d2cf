import type { Inventory } from '../inventory/types.js';
import { servingMode, stopServer } from '../ops/lifecycle.js';
import { findZookeeperHome, serverAlive } from '../ops/server-host.js';
import { Fleet, type FleetOptions } from '../run/fleet.js';
import { readHistory } from '../run/history.js';
import { SILENT_PROGRESS } from '../run/progress.js';

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

/**
 * Servers taken out by an earlier scale whose server runs again (started by hand, a reboot, a
 * supervisor) with the list it had: asked over SSH with the inventory's settings. One that cannot
 * be reached is gone, not a failure. With `stop`, each is stopped (its data kept).
 */
export async function leftButRunning(
  inventory: Inventory,
  settings: FleetOptions,
  stop: { timeoutSeconds: number } | undefined,
): Promise<{ name: string; error?: string }[]> {
  const names = serversLeft(inventory);
  if (names.length === 0) return [];
  const specs = names.map((name) => ({
    name,
    myid: 0,
    address: undefined,
    port: undefined,
    proxyJump: undefined,
  }));
  const fleet = await Fleet.open(inventory, { ...settings, display: async () => SILENT_PROGRESS }, specs);
  const running: { name: string; error?: string }[] = [];
  try {
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      const alive =
        (await servingMode(executor, inventory.cluster.clientPort)) !== undefined ||
        (await serverAlive(executor, inventory.cluster));
      if (!alive) return;
      const found: { name: string; error?: string } = { name: host.spec.name };
      running.push(found);
      if (!stop) return;
      try {
        await stopServer(executor, inventory.cluster, await findZookeeperHome(executor), stop.timeoutSeconds);
      } catch (err: unknown) {
        found.error = err instanceof Error ? err.message : String(err);
      }
    });
  } finally {
    await fleet.close();
  }
  return running;
}
