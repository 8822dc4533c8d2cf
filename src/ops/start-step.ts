import { UNIT_NAME } from '../remote/service.js';
import type { HostExecutor } from '../run/executor.js';
import type { Fleet, FleetHost } from '../run/fleet.js';
import { servingMode, startServer, waitUntilServing } from './lifecycle.js';
import { findZookeeperHome, serverAlive } from './server-host.js';

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
  const how = cluster.service === 'systemd' ? `systemctl start ${UNIT_NAME}` : 'zkServer.sh start';
  await fleet.runStep(host, 'start', how, async () => {
    // A server that serves is asked first, over the connection: a re-run then costs no remote command.
    const running = await servingMode(executor, cluster.clientPort);
    if (running) return { outcome: 'unchanged', detail: `already running, ${running}` };
    const home = await findZookeeperHome(executor);
    const alive = await serverAlive(executor, cluster);
    if (executor.dryRun)
      return alive
        ? { outcome: 'unchanged', detail: 'already running' }
        : { outcome: 'changed', detail: 'would start' };
    if (!alive) await startServer(executor, cluster, home);
    const mode = await waitUntilServing(executor, cluster, timeoutSeconds);
    return alive
      ? { outcome: 'unchanged', detail: `already running, now ${mode}` }
      : { outcome: 'changed', detail: `started, ${mode}` };
  });
}
