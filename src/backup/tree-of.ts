import { InputError } from '../errors.js';
import type { ZnodeTree } from '../zk/data-tree.js';
import { readSnapshot } from '../zk/snapshot.js';
import { txnEntries, zxidOfFileName } from '../zk/txn-log.js';
import { type BackupFile, type Manifest, readStored } from './manifest.js';

const ZXID_OFFSET = 12;

/**
 * The znodes a snapshot and the logs after it add up to, as ZooKeeper loads them: the snapshot,
 * then every logged transaction after the snapshot's zxid, in order.
 */
export function treeOfFiles(snapshotName: string, snapshot: Buffer, logs: readonly Buffer[]): ZnodeTree {
  const snapshotZxid = zxidOfFileName(snapshotName) ?? 0n;
  const tree = readSnapshot(snapshot, snapshotZxid);
  for (const log of logs) {
    for (const entry of txnEntries(log).entries) {
      if (entry.readBigInt64BE(ZXID_OFFSET) > snapshotZxid) tree.apply(entry);
    }
  }
  return tree;
}

/** The log files in zxid order. */
export const logsInOrder = (files: readonly BackupFile[]) =>
  files
    .filter((f) => f.name.startsWith('log.'))
    .sort((a, b) => ((zxidOfFileName(a.name) ?? 0n) < (zxidOfFileName(b.name) ?? 0n) ? -1 : 1));

/**
 * A backup's files checked against its manifest (any difference throws before anything else is
 * done) and the tree they hold.
 */
export function readBackup(dir: string, manifest: Manifest): ZnodeTree {
  const snapshot = manifest.files.find((f) => f.name.startsWith('snapshot.')) as BackupFile;
  const logs = logsInOrder(manifest.files).map((file) => readStored(dir, file));
  const snapshotBytes = readStored(dir, snapshot);
  try {
    return treeOfFiles(snapshot.name, snapshotBytes, logs);
  } catch (err: unknown) {
    throw new InputError(
      `${dir}: its files do not load as ZooKeeper data: ${err instanceof Error ? err.message : String(err)}`,
      'use another backup',
    );
  }
}
