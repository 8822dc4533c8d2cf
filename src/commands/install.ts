import { ExitCode } from '../errors.js';
import { rememberInstall } from '../inventory/load.js';
import { checkLayout } from '../plan/install-plan.js';
import { hostPaths } from '../plan/probe.js';
import { Fleet } from '../run/fleet.js';
import { planHost } from '../run/plan-host.js';
import { inspectTarball } from '../tarball/inspect.js';
import { stepSummary } from '../ui/summary.js';
import { fleetOptions, type HostOptions, inventoryFrom, selectHosts, tarballPath } from './common.js';

export interface InstallOptions extends HostOptions {
  tarball?: string;
  firewall?: string;
  dryRun?: boolean;
}

/** The guide's steps 1-8 on every host at once: probe, plan, apply what differs. */
export async function install(options: InstallOptions): Promise<number> {
  if (options.dryRun) {
    const { plan } = await import('./plan.js');
    return plan(options);
  }
  const inventory = inventoryFrom(options);
  const tarball = await inspectTarball(tarballPath(inventory, options.tarball));
  checkLayout(inventory, tarball.topDir);
  const paths = hostPaths(inventory.cluster, tarball.fileName, tarball.topDir);
  const fleet = await Fleet.open(inventory, fleetOptions(options), selectHosts(inventory, options.hosts));
  try {
    await fleet.each(async (host, executor) => {
      fleet.progress.stepStarted(host.spec.name, 'probe');
      await fleet.applySteps(host, executor, await planHost(executor, inventory, host.spec, tarball, paths));
    });
  } finally {
    await fleet.close();
  }
  rememberInstall({ inventory: inventory.path, tarball: tarball.path });
  process.stdout.write(stepSummary('install', fleet));
  return fleet.failed.length > 0 ? ExitCode.failed : ExitCode.ok;
}
