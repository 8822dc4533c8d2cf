import { posix } from 'node:path';
import type { ClusterSettings } from '../inventory/types.js';
import { absoluteRemotePath } from '../remote/paths.js';
import type { UpgradeFacts } from '../upgrade/host-state.js';
import type { Refusal } from '../upgrade/preflight.js';
import { versionParts } from '../zk/release.js';
import type { Manifest } from './manifest.js';
import { nestedDirs } from './seed.js';

/** One host as a restore's preflight sees it: reached or not, what it holds, what its server says. */
export interface RestoreHost {
  name: string;
  facts: UpgradeFacts | undefined;
  error?: string | undefined;
  /** The version the running server reports, if it runs. */
  runningVersion?: string | undefined;
}

/** The release a host is set up to run, from its ZOOKEEPER_HOME's name (zookeeper-3.4.9, apache-zookeeper-3.8.0-bin). */
export const releaseOf = (host: RestoreHost) =>
  /(\d+\.\d+\.\d+)/.exec(posix.basename(host.facts?.zookeeperHome ?? ''))?.[1] ?? host.runningVersion;

const minor = (version: string) => versionParts(version).slice(0, 2);
const olderMinor = (a: string, b: string) => {
  const [x, y] = [minor(a), minor(b)];
  return (x[0] ?? 0) < (y[0] ?? 0) || ((x[0] ?? 0) === (y[0] ?? 0) && (x[1] ?? 0) < (y[1] ?? 0));
};

/**
 * Everything that must hold before a restore stops anything (pure): every host reached, ZooKeeper
 * installed there by zkdeploy, a release at least the backup's minor one (3.5+ reads 3.4's files,
 * not the other way round), data directories side by side, room for the files.
 */
export function restorePreflight(
  cluster: ClusterSettings,
  manifest: Manifest,
  hosts: readonly RestoreHost[],
): Refusal[] {
  const refusals: Refusal[] = [];
  const bytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
  for (const host of hosts) {
    const { name, facts } = host;
    if (!facts) {
      refusals.push({ host: name, message: host.error ?? 'not reached', fix: 'reach every host first' });
      continue;
    }
    const release = releaseOf(host);
    if (!facts.zookeeperHome || !release) {
      refusals.push({
        host: name,
        message: 'no ZooKeeper installed by zkdeploy',
        fix: 'zkdeploy install first',
      });
    } else if (olderMinor(release, manifest.release)) {
      refusals.push({
        host: name,
        message: `runs ${release}, older than the backup's ${manifest.release}: it may not read its files`,
        fix: `restore into ${minor(manifest.release).join('.')} or later (zkdeploy upgrade first)`,
      });
    }
    const data = absoluteRemotePath(cluster.dataDir, facts.home);
    const logs = absoluteRemotePath(cluster.dataLogDir, facts.home);
    if (nestedDirs(data, logs)) {
      refusals.push({
        host: name,
        message: `dataLogDir ${logs} and dataDir ${data}: one lies inside the other, and a restore moves each aside whole`,
        fix: 'give zookeeper.dataDir and zookeeper.dataLogDir directories side by side (the defaults: ~/zookeeper/data, ~/zookeeper/logs)',
        badInput: true,
      });
    }
    if (facts.freeKiB * 1024 < bytes) {
      refusals.push({
        host: name,
        message: `${Math.round(facts.freeKiB / 1024)} MiB free beside the data, the backup needs ${Math.ceil(bytes / 1048576)} MiB`,
        fix: 'free space on the data disk',
      });
    }
  }
  return refusals;
}
