import { stopStep } from '../ops/stop-step.js';
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
  const fleet = await Fleet.open(inventory, settings, hosts);
  try {
    await fleet.eachHostMarkingFailures((host, executor) =>
      stopStep(fleet, host, executor, options.timeout ?? 30),
    );
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary('stop', fleet));
  return finish('stop', fleet);
}
