import type { ClusterSettings } from '../inventory/types.js';
import type { HostStatus } from '../ops/ensemble-status.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { FILE_NAME } from '../remote/safe-values.js';
import { SERVING_MODES } from '../zk/health.js';
import { archivePath } from './archive.js';
import type { UpgradeFacts, UpgradeRecord } from './host-state.js';
import { type HostRoll, type Refusal, unreached } from './preflight.js';

export interface RollbackPreflight {
  refusals: Refusal[];
  hosts: HostRoll[];
  /** The upgrade being undone, as every host's record agrees. */
  record: Pick<UpgradeRecord, 'from' | 'to' | 'fromVersion' | 'toVersion'> | undefined;
  /** A leader and a majority serve: what a rolling rollback needs (a restore stops them all anyway). */
  quorum: boolean;
}

const serving = (mode: string) => SERVING_MODES.includes(mode);
const dirName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Whether the last upgrade can be rolled back, judged from each host's upgrade record and state:
 * every host has the same record, its release directories are plain names, its archives lie where an
 * upgrade puts them, and each host runs one of the two releases.
 */
export function preflightRollback(
  cluster: ClusterSettings,
  hosts: { name: string; status: HostStatus; facts: UpgradeFacts | undefined }[],
): RollbackPreflight {
  const refusals: Refusal[] = [];
  const rolls: HostRoll[] = [];
  const records = hosts.flatMap((h) => (h.facts?.record ? [h.facts.record] : []));
  const first = records[0];
  const record = first && {
    from: first.from,
    to: first.to,
    fromVersion: first.fromVersion,
    toVersion: first.toVersion,
  };
  for (const host of hosts) {
    const { facts, status } = host;
    if (!facts) {
      refusals.push(unreached(status));
      continue;
    }
    const own = facts.record;
    if (!own || !record) {
      refusals.push({
        host: host.name,
        message:
          'no upgrade record here (<installDir>/.zkdeploy-upgrade): no upgrade by zkdeploy to roll back',
        fix: 'to move to another release, use zkdeploy upgrade --tarball',
      });
      continue;
    }
    if (own.from !== record.from || own.to !== record.to) {
      refusals.push({
        host: host.name,
        message: `its upgrade record says ${own.from} → ${own.to}, ${hosts[0]?.name}'s ${record.from} → ${record.to}`,
        fix: 'finish the upgrade first (zkdeploy upgrade --tarball with the release the others run)',
      });
      continue;
    }
    const dataDir = absoluteRemotePath(cluster.dataDir, facts.home);
    const logDir = absoluteRemotePath(cluster.dataLogDir, facts.home);
    const expectedLogArchive =
      logDir === dataDir ? archivePath(dataDir, own.zxid) : archivePath(logDir, own.zxid);
    if (
      !FILE_NAME.test(own.from) ||
      !FILE_NAME.test(own.to) ||
      !/^0x[0-9a-f]+$/.test(own.zxid) ||
      own.dataArchive !== archivePath(dataDir, own.zxid) ||
      own.logArchive !== expectedLogArchive
    ) {
      refusals.push({
        host: host.name,
        message:
          'its upgrade record names releases or archives that are not where an upgrade puts them; refusing to use it',
        fix: 'look at <installDir>/.zkdeploy-upgrade on the host',
      });
      continue;
    }
    const current = dirName(facts.zookeeperHome);
    const up = serving(status.mode);
    let action: HostRoll['action'];
    if (current === own.from) action = up ? 'done' : 'start';
    else if (current === own.to) action = 'roll';
    else {
      refusals.push({
        host: host.name,
        message: `runs ${current || 'nothing of zkdeploy'}, neither ${own.from} nor ${own.to}`,
        fix: 'zkdeploy status shows what runs where',
      });
      continue;
    }
    if (action !== 'done' && !facts.present.has('from')) {
      refusals.push({
        host: host.name,
        message: `the release to go back to, ${own.from}, is no longer in the install directory (no bin/zkServer.sh)`,
        fix: `put it back with zkdeploy upgrade --tarball and ${own.from}'s tarball, or stay on ${own.to}`,
      });
      continue;
    }
    rolls.push({
      name: host.name,
      action,
      mode: status.mode,
      version: status.version,
      trustEmpty: false,
      archiveKiB: action === 'roll' ? facts.logKiB : 0,
    });
  }
  const serve = hosts.filter((h) => serving(h.status.mode)).length;
  const quorum = hosts.some((h) => h.status.mode === 'leader') && serve > hosts.length / 2;
  return { refusals, hosts: rolls, record, quorum };
}
