import type { ClusterSettings } from '../inventory/types.js';
import type { HostStatus } from '../ops/ensemble-status.js';
import { DEFAULT_SETTINGS } from '../render/zoo-cfg.js';
import { SERVING_MODES } from '../zk/health.js';
import { compareVersions, is35OrLater, isAtLeast } from '../zk/release.js';
import type { UpgradeFacts } from './host-state.js';

/** A reason not to go on, with its fix; `host` when it is one host's. `badInput`: the tarball's fault (exit 3). */
export interface Refusal {
  host?: string;
  message: string;
  fix: string;
  badInput?: boolean;
}

/** What the roll will do on one host. */
export interface HostRoll {
  name: string;
  /** done: runs the target; start: switched by an earlier run and left down; roll: stop, archive, switch, start. */
  action: 'done' | 'start' | 'roll';
  mode: string;
  version: string | undefined;
  /** No snapshot, only transaction logs: 3.5.3+ refuses such data unless snapshot.trust.empty is set once. */
  trustEmpty: boolean;
  /** What the archive copies (transaction logs; snapshots are hard links), in KiB. */
  archiveKiB: number;
}

/** One host as the preflight sees it. */
export interface PreflightHost {
  name: string;
  status: HostStatus;
  facts: UpgradeFacts | undefined;
  /** The target release's directory on this host (absolute). */
  targetHome: string;
  /** Install steps for the target that would change something an upgrade must not (dirs, myid, firewall). */
  unexpectedChanges: string[];
  /** A step install could not do here (its message and fix). */
  failures: { message: string; fix: string }[];
}

export interface Preflight {
  refusals: Refusal[];
  hosts: HostRoll[];
  /** The release the ensemble leaves (the one its not yet upgraded servers run). */
  fromVersion: string | undefined;
}

/** A host the preflight could not ask: its connection's error and fix. */
export const unreached = (status: HostStatus): Refusal => ({
  host: status.name,
  message: status.error ?? 'not reached',
  fix: status.fix ?? 'every host must be reached: the ensemble changes as a whole',
});

const serving = (mode: string) => (SERVING_MODES as readonly string[]).includes(mode);

/** The zoo.cfg settings in effect: zkdeploy's defaults under the inventory's own. */
const effectiveSettings = (cluster: ClusterSettings) => ({ ...DEFAULT_SETTINGS, ...cluster.settings });

/** Slack on top of the archive and a margin for the server's own writes meanwhile. */
const DISK_MARGIN_KIB = 64 * 1024;

/**
 * Everything that must hold before an upgrade to `target` changes anything, judged from what the
 * hosts reported: health, one source release of 3.4.6 or later, what the target needs (the
 * four-letter words zkdeploy asks, the AdminServer's port, disk for the archive), and per host
 * what the roll does, snapshot-less data included.
 */
export function preflightUpgrade(
  cluster: ClusterSettings,
  hosts: PreflightHost[],
  target: { releaseDir: string; version: string },
): Preflight {
  const refusals: Refusal[] = [];
  const rolls: HostRoll[] = [];
  const settings = effectiveSettings(cluster);
  const modern = is35OrLater(target.version);
  for (const host of hosts) {
    const { facts, status } = host;
    if (!facts) {
      refusals.push(unreached(status));
      continue;
    }
    const onTarget = facts.zookeeperHome === host.targetHome;
    const up = serving(status.mode);
    let action: HostRoll['action'] = 'roll';
    if (onTarget && up && status.version === target.version) action = 'done';
    else if (onTarget && !up && facts.record?.to === target.releaseDir) action = 'start';
    else if (!up) {
      refusals.push({
        host: host.name,
        message: `the server is ${status.mode}, and not left so by an upgrade`,
        fix: 'bring it back first (zkdeploy start; zkdeploy status), then upgrade',
      });
    }
    const trustEmpty = modern && facts.snapshots.length === 0 && facts.logs.length > 0;
    if (trustEmpty && action !== 'done' && !isAtLeast(target.version, '3.5.6')) {
      refusals.push({
        host: host.name,
        message: `its data has transaction logs but no snapshot, which ${target.version} refuses to load ("No snapshot found, but there are log entries"), and snapshot.trust.empty came only in 3.5.6`,
        fix: 'upgrade to 3.5.6 or later',
        badInput: true,
      });
    }
    const archiveKiB = action === 'roll' ? facts.logKiB : 0;
    if (action === 'roll' && facts.freeKiB < archiveKiB + DISK_MARGIN_KIB) {
      refusals.push({
        host: host.name,
        message: `${Math.round(facts.freeKiB / 1024)} MiB free beside ${cluster.dataLogDir}; archiving its data needs ${Math.round((archiveKiB + DISK_MARGIN_KIB) / 1024)} MiB`,
        fix: 'free disk space there (zkCleanup.sh keeps the newest snapshots and logs), then upgrade',
      });
    }
    const adminEnabled = settings['admin.enableServer'] !== 'false';
    const adminPort = Number(settings['admin.serverPort'] ?? 8080);
    if (modern && adminEnabled && action === 'roll' && facts.listening.has(adminPort)) {
      refusals.push({
        host: host.name,
        message: `port ${adminPort} is taken here, and ${target.version}'s AdminServer (admin.enableServer) would want it`,
        fix: `set admin.enableServer: "false" (zkdeploy's default) or another admin.serverPort in zookeeper.settings`,
      });
    }
    if (host.unexpectedChanges.length > 0 && action === 'roll') {
      refusals.push({
        host: host.name,
        message: `the hosts differ from the inventory (${host.unexpectedChanges.join(', ')}); an upgrade changes the release only`,
        fix: 'run zkdeploy install first (zkdeploy plan shows what it changes), then upgrade',
      });
    }
    for (const failure of host.failures) refusals.push({ host: host.name, ...failure });
    rolls.push({
      name: host.name,
      action,
      mode: status.mode,
      version: status.version,
      trustEmpty,
      archiveKiB,
    });
  }

  const sources = new Map<string, string[]>();
  for (const roll of rolls.filter((r) => r.action === 'roll' && r.version)) {
    sources.set(roll.version as string, [...(sources.get(roll.version as string) ?? []), roll.name]);
  }
  const fromVersion = sources.size === 1 ? [...sources.keys()][0] : undefined;
  if (sources.size > 1) {
    refusals.push({
      message: `the servers run different releases: ${[...sources].map(([v, names]) => `${v} on ${names.join(', ')}`).join('; ')}`,
      fix: 'bring them to one release first (zkdeploy install with its tarball, then zkdeploy restart)',
    });
  }
  if (fromVersion !== undefined) {
    const order = compareVersions(fromVersion, target.version);
    if (order >= 0) {
      refusals.push({
        message: `the servers run ${fromVersion} and the tarball is ${target.version}: ${order === 0 ? 'the same release' : 'an older one'}`,
        fix:
          order === 0
            ? 'nothing to upgrade; zkdeploy status shows each server version'
            : 'to go back to the release an upgrade left, use zkdeploy rollback',
        badInput: true,
      });
    } else if (modern && !isAtLeast(fromVersion, '3.4.6')) {
      refusals.push({
        message: `rolling upgrades from 3.4.x to ${target.version} need 3.4.6 or later; the servers run ${fromVersion}`,
        fix: 'upgrade to the last 3.4 release (3.4.14) first, then to 3.5+',
      });
    }
  }
  if (!rolls.some((r) => r.mode === 'leader')) {
    refusals.push({
      message: 'no server leads: the ensemble is not serving',
      fix: 'bring it back first (zkdeploy start; zkdeploy status), then upgrade',
    });
  }
  if (modern) {
    const words = (settings['4lw.commands.whitelist'] ?? '').split(',').map((w) => w.trim());
    const missing = words.includes('*') ? [] : ['srvr', 'mntr'].filter((w) => !words.includes(w));
    if (missing.length > 0) {
      refusals.push({
        message: `4lw.commands.whitelist in zookeeper.settings leaves out ${missing.join(' and ')}, which zkdeploy asks every server (${target.version} allows only srvr by default)`,
        fix: `add ${missing.join(',')} to 4lw.commands.whitelist in zookeeper.settings (or remove the key: zkdeploy's default allows them)`,
        badInput: true,
      });
    }
  }
  return { refusals, hosts: rolls, fromVersion };
}
