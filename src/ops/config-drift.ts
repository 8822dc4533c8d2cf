import { shellPath } from '../remote/quote.js';
import { decodeFileSection, fileSection, parseSections } from '../remote/sections.js';
import { renderZooCfg } from '../render/zoo-cfg.js';
import type { Fleet } from '../run/fleet.js';
import { findDrift, type HostConfig, mixedReleases } from '../zk/drift.js';
import { ZOOKEEPER_HOME_COMMAND } from './server-host.js';

/**
 * Drift: each connected host's zoo.cfg and myid against the inventory, and the hosts against each
 * other, their release directories included unless `rolling` names the upgrade or rollback that
 * is moving them from one release to the other.
 */
export async function collectDrift(
  fleet: Fleet,
  rolling?: string,
): Promise<{ host: string; message: string }[]> {
  const { cluster, hosts } = fleet.inventory;
  const configs: HostConfig[] = [];
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    const script = [
      'echo @@home; printf "%s\\n" "$HOME"',
      `h=$(${ZOOKEEPER_HOME_COMMAND})`,
      `echo @@zooCfg; [ -n "$h" ] && ${fileSection('"$h/conf/zoo.cfg"')}`,
      `echo @@myid; ${fileSection(shellPath(`${cluster.dataDir}/myid`))}`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the remote shell's ${h##*/}, its base name
      'echo @@release; printf "%s\\n" "${h##*/}"',
    ].join('\n');
    const found = parseSections((await executor.probe(script)).stdout);
    const home = found.get('home') ?? '';
    configs.push({
      name: host.spec.name,
      zooCfg: decodeFileSection(found.get('zooCfg')),
      myid: decodeFileSection(found.get('myid')),
      expectedZooCfg: renderZooCfg(cluster, hosts, home, host.spec),
      expectedMyid: host.spec.myid,
      release: found.get('release') || undefined,
    });
  });
  const order = fleet.hosts.map((h) => h.spec.name);
  configs.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return [...findDrift(configs), ...mixedReleases(configs, rolling)];
}
