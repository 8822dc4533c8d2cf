import { ExitCode, HostError, ZkdeployError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import type { Inventory } from '../inventory/types.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import { startServer, stopServer, waitUntilServing } from '../ops/lifecycle.js';
import { rollOneAtATime, waitForSync } from '../ops/rolling.js';
import { findZookeeperHome } from '../ops/server-host.js';
import { CLEAR_MARK_BY_HAND, swapMarks } from '../ops/swap-marker.js';
import { Fleet, type FleetHost } from '../run/fleet.js';
import { renderStatus } from '../ui/status-view.js';
import { judgeHealth } from '../zk/health.js';
import { endRolling, type HostOptions, lockedContext } from './common.js';

export interface RestartOptions extends HostOptions {
  timeout?: number;
  force?: boolean;
  /** All at once, for those who accept downtime (--parallel). */
  parallel?: boolean;
}

async function restartOne(
  fleet: Fleet,
  host: FleetHost,
  timeoutSeconds: number,
  expected?: readonly string[],
) {
  const executor = host.executor;
  if (!executor) throw host.error ?? new Error('not connected');
  const { cluster } = fleet.inventory;
  const began = Date.now();
  const home = await findZookeeperHome(executor);
  await stopServer(executor, cluster, home, timeoutSeconds);
  await startServer(executor, cluster, home);
  const mode = await waitUntilServing(executor, cluster, timeoutSeconds);
  const synced = await waitForSync(fleet, began + timeoutSeconds * 1000, expected).catch((err: unknown) => {
    throw new HostError(
      host.spec.name,
      `back as ${mode}, but ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  return {
    outcome: 'changed' as const,
    detail: `back as ${mode} in ${((Date.now() - began) / 1000).toFixed(1)}s; ${synced}`,
  };
}

async function allAtOnce(fleet: Fleet, targets: string[], options: RestartOptions): Promise<void> {
  const { cluster } = fleet.inventory;
  const chosen = fleet.hosts.filter((h) => targets.includes(h.spec.name));
  const timeout = options.timeout ?? 60;
  const homes = new Map<string, string>();
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    if (!chosen.includes(host)) return;
    homes.set(host.spec.name, await findZookeeperHome(executor));
    await stopServer(executor, cluster, homes.get(host.spec.name) as string, timeout);
  });
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    if (!chosen.includes(host)) return;
    await fleet.runStep(host, 'restart', 'restart (all at once)', async () => {
      if (executor.dryRun) return { outcome: 'changed', detail: 'would restart' };
      await startServer(executor, cluster, homes.get(host.spec.name) as string);
      return { outcome: 'changed', detail: `back as ${await waitUntilServing(executor, cluster, timeout)}` };
    });
  });
}

function refuseUnhealthy(inventory: Inventory, rows: HostStatus[]): never {
  const health = judgeHealth(
    rows.map((r) => r.mode),
    inventory.hosts.length,
  );
  process.stdout.write(renderStatus(rows, health));
  throw new ZkdeployError(
    `restart refused: the ensemble is not healthy (${health.summary})`,
    ExitCode.failed,
    'bring it back first (zkdeploy start, zkdeploy status), or pass --force to restart anyway',
  );
}

/**
 * Rolling restart: one host at a time, followers first, the leader last (found when its turn
 * comes); each must serve again and be synced before the next stops. --parallel: all at once.
 */
export async function restart(options: RestartOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = lockedContext('restart', options);
  const targets = hosts.map((h) => h.name);
  // Every host is connected, whatever --hosts says: the leader and the quorum are the ensemble's.
  const fleet = await Fleet.open(inventory, settings);
  let order: string[] = [];
  // Ctrl-C may come between a server's stop and its start: say how to bring it back.
  const unregister = onInterrupt(() => {
    process.stderr.write(
      'zkdeploy: restart interrupted: a server may be left stopped; `zkdeploy start` brings it back (then `zkdeploy status`)\n',
    );
  });
  try {
    if (fleet.failed.length > 0 && !options.force) {
      throw new ZkdeployError(
        `restart refused: ${fleet.failed.map((h) => h.error?.message).join('; ')}`,
        ExitCode.failed,
        'reach every host first, or pass --force',
      );
    }
    // Servers stopped for a swap of their data are the swapping command's to start: --force or not.
    const marked = await swapMarks(fleet);
    if (marked.length > 0) {
      throw new ZkdeployError(
        `restart refused: a data swap is under way (${marked.map((m) => `${m.host}: ${m.mark}`).join('; ')}); a server restarted with its data half swapped could win the election and undo it`,
        ExitCode.failed,
        `run that command again: it continues where it stopped and starts every server itself; ${CLEAR_MARK_BY_HAND}`,
      );
    }
    const before = await collectStatus(fleet);
    if (!judgeHealth(before.map((r) => r.mode)).healthy && !options.force) refuseUnhealthy(inventory, before);
    if (options.parallel) await allAtOnce(fleet, targets, options);
    else
      order = await rollOneAtATime(fleet, targets, {
        id: 'restart',
        force: options.force,
        work: (host, expected) => restartOne(fleet, host, options.timeout ?? 60, expected),
      });
  } finally {
    unregister();
    await fleet.close();
  }
  return endRolling('restart', fleet, { order });
}
