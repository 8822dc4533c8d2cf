import type { ClusterSettings, HostSpec, Inventory } from '../inventory/types.js';
import { shellPath } from '../remote/quote.js';
import { decodeFileSection, fileSection, parseSections } from '../remote/sections.js';
import { renderZooCfg } from '../render/zoo-cfg.js';
import type { Fleet } from '../run/fleet.js';
import { findDrift, type HostConfig, mixedReleases } from '../zk/drift.js';
import { ZOOKEEPER_HOME_COMMAND } from './server-host.js';

/**
 * The read-only lines that report a host's zoo.cfg, myid and release as `@@` sections: for
 * `hostConfig`. Status prints them in its one probe per host with its own sections beside.
 */
export function driftProbeLines(cluster: ClusterSettings): string[] {
  return [
    'echo @@home; printf "%s\\n" "$HOME"',
    `h=$(${ZOOKEEPER_HOME_COMMAND})`,
    `echo @@zooCfg; [ -n "$h" ] && ${fileSection('"$h/conf/zoo.cfg"')}`,
    `echo @@myid; ${fileSection(shellPath(`${cluster.dataDir}/myid`))}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the remote shell's ${h##*/}, its base name
    'echo @@release; printf "%s\\n" "${h##*/}"',
  ];
}

/** What the drift probe's sections say of one host, beside what the inventory renders for it. */
export function hostConfig(found: Map<string, string>, inventory: Inventory, spec: HostSpec): HostConfig {
  const home = found.get('home') ?? '';
  return {
    name: spec.name,
    zooCfg: decodeFileSection(found.get('zooCfg')),
    myid: decodeFileSection(found.get('myid')),
    expectedZooCfg: renderZooCfg(inventory.cluster, inventory.hosts, home, spec),
    expectedMyid: spec.myid,
    release: found.get('release') || undefined,
  };
}

/**
 * Drift among the hosts' configs (in the fleet's order), their release directories included unless
 * `rolling` names the upgrade or rollback that is moving them from one release to the other.
 */
export function judgeDrift(
  fleet: Fleet,
  configs: HostConfig[],
  rolling?: string,
): { host: string; message: string }[] {
  const order = fleet.hosts.map((h) => h.spec.name);
  const sorted = [...configs].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return [...findDrift(sorted), ...mixedReleases(sorted, rolling)];
}

/**
 * Drift: each connected host's zoo.cfg and myid against the inventory, and the hosts against each
 * other (see judgeDrift).
 */
export async function collectDrift(
  fleet: Fleet,
  rolling?: string,
): Promise<{ host: string; message: string }[]> {
  const configs: HostConfig[] = [];
  const script = driftProbeLines(fleet.inventory.cluster).join('\n');
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    configs.push(
      hostConfig(parseSections((await executor.probe(script)).stdout), fleet.inventory, host.spec),
    );
  });
  return judgeDrift(fleet, configs, rolling);
}
