import { Fleet } from '../run/fleet.js';
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

/** zkServer.sh start on every host at once, then wait until the ensemble has a quorum and every host a mode. */
export async function start(options: StartOptions): Promise<number> {
  const inventory = inventoryForChange('start', options);
  const { cluster } = inventory;
  const fleet = await Fleet.open(inventory, fleetOptions(options), selectHosts(inventory, options.hosts));
  let rows: Awaited<ReturnType<typeof collectStatus>> = [];
  try {
    await fleet.each(async (host, executor) => {
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
        const mode = await waitUntilServing(executor, cluster, options.timeout ?? 60);
        return alive
          ? { outcome: 'unchanged', detail: `already running, now ${mode}` }
          : { outcome: 'changed', detail: `started, ${mode}` };
      });
    });
    if (!options.dryRun) rows = await collectStatus(fleet);
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary(options.dryRun ? 'start --dry-run' : 'start', fleet));
  if (options.dryRun) return exitCodeOf(fleet, true);
  const health = judgeHealth(
    rows.map((r) => r.mode),
    inventory.hosts.length,
  );
  process.stdout.write(`\n${renderStatus(rows, health)}`);
  return exitCodeOf(fleet, false);
}
