import { ExitCode } from '../errors.js';
import { rememberInstall } from '../inventory/load.js';
import { checkLayout, planInstall } from '../plan/install-plan.js';
import { hostPaths, parseProbe, probeScript } from '../plan/probe.js';
import { Fleet } from '../run/fleet.js';
import { inspectTarball } from '../tarball/inspect.js';
import { stepSummary } from '../ui/summary.js';
import { fleetOptions, type HostOptions, inventoryFrom, tarballPath } from './common.js';

export interface InstallOptions extends HostOptions {
  tarball?: string;
  firewall?: string;
}

/** The guide's steps 1-8 on every host at once: probe, plan, apply what differs. */
export async function install(options: InstallOptions): Promise<number> {
  const inventory = inventoryFrom(options);
  const tarball = await inspectTarball(tarballPath(inventory, options.tarball));
  checkLayout(inventory, tarball.topDir);
  const paths = hostPaths(inventory.cluster, tarball.fileName, tarball.topDir);
  const fleet = await Fleet.open(inventory, fleetOptions(options));
  try {
    await fleet.each(async (host, executor) => {
      fleet.progress.stepStarted(host.spec.name, 'probe');
      const probe = await executor.probe(probeScript(paths));
      const steps = planInstall(inventory, host.spec, tarball, paths, parseProbe(probe.stdout));
      await fleet.applySteps(host, executor, steps);
    });
  } finally {
    await fleet.close();
  }
  rememberInstall({ inventory: inventory.path, tarball: tarball.path });
  process.stdout.write(stepSummary('install', fleet));
  return fleet.failed.length > 0 ? ExitCode.failed : ExitCode.ok;
}
