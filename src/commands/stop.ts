import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, HostError } from '../errors.js';
import { Fleet } from '../run/fleet.js';
import { stepSummary } from '../ui/summary.js';
import { askFourLetterWord } from '../zk/four-letter.js';
import { findZookeeperHome, serverAlive } from '../zk/server-host.js';
import { fleetOptions, type HostOptions, inventoryFrom } from './common.js';

export interface StopOptions extends HostOptions {
  /** Seconds to wait for each client port to close. */
  timeout?: number;
}

/**
 * zkServer.sh stop on every host at once, confirmed by the client port closing, not by the script's
 * word (it removes the pid file before the JVM has exited). Nothing to stop is success.
 */
export async function stop(options: StopOptions): Promise<number> {
  const inventory = inventoryFrom(options);
  const { cluster } = inventory;
  const fleet = await Fleet.open(inventory, fleetOptions(options));
  const timeoutMs = (options.timeout ?? 30) * 1000;
  try {
    await fleet.each(async (host, executor) => {
      await fleet.runStep(host, 'stop', 'zkServer.sh stop', async () => {
        const home = await findZookeeperHome(executor);
        const listening = async () =>
          (await askFourLetterWord(executor, cluster.clientPort, 'srvr', 1000)).listening;
        if (!(await listening()) && !(await serverAlive(executor, cluster)))
          return { outcome: 'unchanged', detail: 'not running' };
        await executor.run(`cd && ${home}/bin/zkServer.sh stop`, 'zkServer.sh stop', { allowFailure: true });
        const deadline = Date.now() + timeoutMs;
        while (await listening()) {
          if (Date.now() > deadline) {
            throw new HostError(
              host.spec.name,
              `client port ${cluster.clientPort} still open ${options.timeout ?? 30}s after zkServer.sh stop`,
              'a server not started through this release (no pid file) keeps running: find it with `ss -ltnp` on the host',
            );
          }
          await sleep(100);
        }
        return { outcome: 'changed', detail: 'stopped' };
      });
    });
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary('stop', fleet));
  return fleet.failed.length > 0 ? ExitCode.failed : ExitCode.ok;
}
