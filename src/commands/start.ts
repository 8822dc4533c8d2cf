import { startStep } from '../ops/start-step.js';
import { Fleet } from '../run/fleet.js';
import { startedStatus } from '../ui/status-view.js';
import { stepSummary } from '../ui/summary.js';
import { finish, type HostOptions, lockedContext, refuse, startRefusalsFor } from './common.js';

export interface StartOptions extends HostOptions {
  /** Seconds to wait for every server to serve. */
  timeout?: number;
}

/**
 * zkServer.sh start on every host at once, then wait until the ensemble has a quorum and every host a
 * mode; refused before any start when a server would start with a server list of its own.
 */
export async function start(options: StartOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = lockedContext('start', options);
  const fleet = await Fleet.open(inventory, settings, hosts);
  let status = '';
  try {
    const refusals = await startRefusalsFor(fleet);
    if (refusals.length > 0) {
      await fleet.close();
      refuse('start', refusals);
    }
    await fleet.eachHostMarkingFailures((host, executor) =>
      startStep(fleet, host, executor, options.timeout ?? 60),
    );
    if (!options.dryRun) status = await startedStatus(fleet);
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary('start', fleet));
  process.stdout.write(status);
  return finish('start', fleet);
}
