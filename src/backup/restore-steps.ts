import { posix } from 'node:path';
import { HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import { absoluteRemotePath } from '../remote/paths.js';
import type { HostExecutor } from '../run/executor.js';
import { ZkSession } from '../zk/client.js';
import type { ZnodeTree } from '../zk/data-tree.js';
import { openTunnel } from '../zk/tunnel.js';
import { comparedCount, compareTrees } from './compare.js';
import { gzSha256, type Manifest, storedPath } from './manifest.js';
import { stageCommand, stagePath, unpackCommand } from './seed.js';
import { walkTree } from './walk.js';

/** The directories a host's data lives in: dataDir (with myid) and dataLogDir when it is another. */
export function dataDirs(
  cluster: ClusterSettings,
  home: string,
): { dir: string; files: 'snapshot' | 'log' | 'both' }[] {
  const data = absoluteRemotePath(cluster.dataDir, home);
  const logs = absoluteRemotePath(cluster.dataLogDir, home);
  return data === logs
    ? [{ dir: data, files: 'both' }]
    : [
        { dir: data, files: 'snapshot' },
        { dir: logs, files: 'log' },
      ];
}

/** Uploads the backup's files beside a host's data directories and unpacks them there; the server keeps running. */
export async function stageBackup(
  executor: HostExecutor,
  backupDir: string,
  manifest: Manifest,
  dirs: ReturnType<typeof dataDirs>,
): Promise<void> {
  for (const { dir, files } of dirs) {
    await executor.run(stageCommand(dir), `staging beside ${dir}`);
    for (const file of manifest.files.filter((f) => files === 'both' || f.name.startsWith(`${files}.`))) {
      const local = storedPath(backupDir, file);
      await executor.apply({
        kind: 'upload',
        localPath: local,
        remotePath: posix.join(stagePath(dir), 'version-2', `${file.name}.gz`),
        sha256: gzSha256(local),
      });
      await executor.run(unpackCommand(dir, file.name, file.sha256), `unpacking ${file.name}`);
    }
  }
}

/**
 * Proves a restored server holds the backup's tree: every persistent znode read through a client
 * connected to that server alone, over an SSH tunnel, compared with what the backup's files hold.
 */
export async function proveTree(
  executor: HostExecutor,
  clientPort: number,
  tree: ZnodeTree,
): Promise<string> {
  const tunnel = await openTunnel(executor.session, clientPort);
  let session: ZkSession | undefined;
  try {
    session = await ZkSession.open(`127.0.0.1:${tunnel.port}`, 10000);
    const { nodes, unreadable } = await walkTree(session);
    const persistent = tree.persistent();
    const { differences, changedSince } = compareTrees(persistent, nodes, unreadable, tree.zxid);
    if (differences.length > 0) {
      throw new HostError(
        executor.host,
        `its znodes differ from the backup's (${differences.length}):\n    ${differences.slice(0, 10).join('\n    ')}`,
        'look at the server log (zkdeploy logs); then restore again (what was there before is kept aside)',
      );
    }
    const byStat = unreadable.length
      ? ` (${unreadable.length} compared by stat, and what lies below them not at all: no READ for an unauthenticated client)`
      : '';
    const since = changedSince.length
      ? ` but for ${changedSince.length} changes by clients since the restore, e.g. ${changedSince[0]}`
      : '';
    return `${comparedCount(persistent)} znodes as in the backup${byStat}${since}`;
  } finally {
    session?.close();
    await tunnel.close();
  }
}
