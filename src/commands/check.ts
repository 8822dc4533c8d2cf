import { runChecks } from '../check/run.js';
import { ExitCode } from '../errors.js';
import { Fleet } from '../run/fleet.js';
import { lockInventory } from '../run/lock.js';
import { inspectTarball, type ReleaseTarball } from '../tarball/inspect.js';
import { renderCheck } from '../ui/check-view.js';
import { type HostOptions, readContext, tarballPath } from './common.js';

export interface CheckOptions extends HostOptions {
  tarball?: string;
  json?: boolean;
}

/** Preflight checks on every host: exit 0 when none fails (warnings allowed), 2 when one does. */
export async function check(options: CheckOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = readContext(options, { progress: false });
  // Read-only, but its network check lends free ZooKeeper ports a listener for a moment: no start,
  // restart or upgrade of this inventory may run meanwhile (a server would lose its port).
  lockInventory(inventory.path, 'check');
  let tarball: ReleaseTarball | undefined;
  if (options.tarball || inventory.cluster.tarball) {
    // A tarball that was named must be a good one, as install will want it.
    tarball = await inspectTarball(tarballPath(inventory, options.tarball));
  } else {
    // Without one the checks still run; only Java's fit to the release is then unknown.
    try {
      tarball = await inspectTarball(tarballPath(inventory, undefined));
    } catch {
      tarball = undefined;
    }
  }
  // The hosts' lock too: a check from a copy of the inventory, or another machine, is met there.
  const fleet = await Fleet.open(inventory, { ...settings, lockHostsFor: 'check' }, hosts);
  try {
    const report = await runChecks(fleet, tarball);
    process.stdout.write(
      options.json ? `${JSON.stringify({ ok: !report.failed, ...report }, null, 2)}\n` : renderCheck(report),
    );
    return report.failed ? ExitCode.no : ExitCode.ok;
  } finally {
    await fleet.close();
  }
}
