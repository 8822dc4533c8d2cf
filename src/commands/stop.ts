import { stopServer } from '../ops/lifecycle.js';
import { findZookeeperHome } from '../ops/server-host.js';
import { UNIT_NAME } from '../remote/service.js';
import { Fleet } from '../run/fleet.js';
import { stepSummary } from '../ui/summary.js';
import { finish, type HostOptions, lockedContext } from './common.js';

export interface StopOptions extends HostOptions {
  /** Seconds to wait for each client port to close. */
  timeout?: number;
}

/**
 * zkServer.sh stop on every host at once, confirmed by the client port closing, not by the script's
 * word (it removes the pid file before the JVM has exited). Nothing to stop is success.
 */
export async function stop(options: StopOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = lockedContext('stop', options);
  const { cluster } = inventory;
  const fleet = await Fleet.open(inventory, settings, hosts);
  try {
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      await fleet.runStep(
        host,
        'stop',
        cluster.service === 'systemd' ? `systemctl stop ${UNIT_NAME}` : 'zkServer.sh stop',
        async () => {
          const stopped = await stopServer(
            executor,
            cluster,
            await findZookeeperHome(executor),
            options.timeout ?? 30,
          );
          if (!stopped) return { outcome: 'unchanged', detail: 'not running' };
          return { outcome: 'changed', detail: executor.dryRun ? 'would stop' : 'stopped' };
        },
      );
    });
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary(options.dryRun ? 'stop --dry-run' : 'stop', fleet));
  return finish('stop', fleet, options.dryRun);
}
