import type { HostExecutor } from '../run/executor.js';
import { Fleet, type FleetHost } from '../run/fleet.js';
import { stepSummary } from '../ui/summary.js';
import { collectStatus } from '../zk/ensemble-status.js';
import { judgeHealth } from '../zk/health.js';
import { runStartScript, servingMode, waitUntilServing } from '../zk/lifecycle.js';
import { findZookeeperHome, serverAlive } from '../zk/server-host.js';
import { exitCodeOf, fleetOptions, type HostOptions, inventoryForChange, selectHosts } from './common.js';
import { renderStatus } from './status.js';

export interface StartOptions extends HostOptions {
  /** Seconds to wait for every server to serve. */
  timeout?: number;
}

/**
 * The start step on one host: zkServer.sh start unless the server already runs, then wait until it
 * serves. Shared by start and install --start.
 */
export async function startStep(
  fleet: Fleet,
  host: FleetHost,
  executor: HostExecutor,
  timeoutSeconds: number,
) {
  const { cluster } = fleet.inventory;
  await fleet.runStep(host, 'start', 'zkServer.sh start', async () => {
    const home = await findZookeeperHome(executor);
    const running = await servingMode(executor, cluster.clientPort);
    if (running) return { outcome: 'unchanged', detail: `already running, ${running}` };
    const alive = await serverAlive(executor, cluster);
    if (executor.dryRun)
      return alive
        ? { outcome: 'unchanged', detail: 'already running' }
        : { outcome: 'changed', detail: 'would start' };
    if (!alive) await runStartScript(executor, home);
    const mode = await waitUntilServing(executor, cluster, timeoutSeconds);
    return alive
      ? { outcome: 'unchanged', detail: `already running, now ${mode}` }
      : { outcome: 'changed', detail: `started, ${mode}` };
  });
}

/** The status table start ends with: every host's mode and the ensemble's health. */
export async function startedStatus(fleet: Fleet): Promise<string> {
  const rows = await collectStatus(fleet);
  const health = judgeHealth(
    rows.map((r) => r.mode),
    fleet.inventory.hosts.length,
  );
  return `\n${renderStatus(rows, health)}`;
}

/** zkServer.sh start on every host at once, then wait until the ensemble has a quorum and every host a mode. */
export async function start(options: StartOptions): Promise<number> {
  const inventory = inventoryForChange('start', options);
  const fleet = await Fleet.open(inventory, fleetOptions(options), selectHosts(inventory, options.hosts));
  let status = '';
  try {
    await fleet.eachHostMarkingFailures((host, executor) =>
      startStep(fleet, host, executor, options.timeout ?? 60),
    );
    if (!options.dryRun) status = await startedStatus(fleet);
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary(options.dryRun ? 'start --dry-run' : 'start', fleet));
  process.stdout.write(status);
  return exitCodeOf(fleet, Boolean(options.dryRun));
}
