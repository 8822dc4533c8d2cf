import { UNIT_NAME } from '../remote/service.js';
import type { HostExecutor } from '../run/executor.js';
import type { Fleet, FleetHost } from '../run/fleet.js';
import { stopServer } from './lifecycle.js';
import { findZookeeperHome } from './server-host.js';

/**
 * The stop step on one host: the server stopped the inventory's way, confirmed by its client port
 * closing; nothing running is unchanged. Shared by stop, and by rollback and restore before they
 * put data back.
 */
export async function stopStep(
  fleet: Fleet,
  host: FleetHost,
  executor: HostExecutor,
  timeoutSeconds: number,
  title = fleet.inventory.cluster.service === 'systemd' ? `systemctl stop ${UNIT_NAME}` : 'zkServer.sh stop',
): Promise<void> {
  await fleet.runStep(host, 'stop', title, async () => {
    const stopped = await stopServer(
      executor,
      fleet.inventory.cluster,
      await findZookeeperHome(executor),
      timeoutSeconds,
    );
    if (!stopped) return { outcome: 'unchanged', detail: 'not running' };
    return { outcome: 'changed', detail: executor.dryRun ? 'would stop' : 'stopped' };
  });
}
