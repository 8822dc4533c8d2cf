import type { HostSpec, Inventory } from '../inventory/types.js';
import { planInstall } from '../plan/install-plan.js';
import { type HostFacts, type HostPaths, parseProbe, probeScript } from '../plan/probe.js';
import type { PlannedStep } from '../plan/step.js';
import { checkedHostPath } from '../remote/safe-values.js';
import type { ReleaseTarball } from '../tarball/inspect.js';
import type { HostExecutor } from './executor.js';

/** Probes a host (read-only, one round trip) and plans install on it: what plan shows and install applies. */
export async function planHost(
  executor: HostExecutor,
  inventory: Inventory,
  host: HostSpec,
  tarball: ReleaseTarball,
  paths: HostPaths,
): Promise<PlannedStep[]> {
  const facts = await probeHost(executor, inventory, host, paths);
  return planInstall(inventory, host, tarball, paths, facts, executor.become.password !== undefined);
}

/** What install's probe finds on a host (read-only, one round trip), its paths checked before any use. */
export async function probeHost(
  executor: HostExecutor,
  inventory: Inventory,
  host: HostSpec,
  paths: HostPaths,
): Promise<HostFacts> {
  const peer = inventory.hosts.find((other) => other.name !== host.name)?.name;
  const probe = await executor.probe(probeScript(paths, peer));
  const facts = parseProbe(probe.stdout);
  checkedHostPath(executor.host, facts.home, '$HOME', 'deploy as a user whose home is a plain path');
  if (facts.javaHomeFromLogin)
    checkedHostPath(
      executor.host,
      facts.javaHomeFromLogin,
      'the Java home a login shell finds',
      'install Java where its path is plain, or put java on the PATH of a non-login shell',
    );
  return facts;
}
