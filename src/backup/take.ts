import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HostError } from '../errors.js';
import type { HostStatus } from '../ops/ensemble-status.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import type { HostExecutor } from '../run/executor.js';
import { byZxid, logsAfter } from '../upgrade/txn-logs.js';
import { SERVING_MODES } from '../zk/health.js';
import { snapshotSealed } from '../zk/snapshot.js';
import { hexZxid, zxidOfFileName } from '../zk/txn-log.js';
import { comparedCount } from './compare.js';
import { type BackupFile, FORMAT, MANIFEST, type Manifest, sha256, storedPath } from './manifest.js';
import { treeOfFiles } from './tree-of.js';

/** A serving server and the snapshot and log files it has. */
export interface Candidate {
  status: HostStatus;
  snapshots: string[];
  logs: string[];
}

const zxidOf = (status: HostStatus) => BigInt(status.zxid ?? '0x0');
const newestFirst = (names: readonly string[]) => byZxid(names).reverse();

/**
 * The server a backup is taken from: the serving one with the highest zxid that has a snapshot
 * (a 3.4 leader that never restarted may have none; its followers' files hold the same history).
 */
export function chooseSource(candidates: readonly Candidate[]): Candidate | undefined {
  return candidates
    .filter((c) => SERVING_MODES.includes(c.status.mode) && c.snapshots.length > 0)
    .sort((a, b) => {
      if (zxidOf(a.status) !== zxidOf(b.status)) return zxidOf(a.status) > zxidOf(b.status) ? -1 : 1;
      // Of servers at the same zxid, the newest snapshot: fewer logs to carry and replay.
      return (zxidOfFileName(newestFirst(a.snapshots)[0] ?? '') ?? 0n) >
        (zxidOfFileName(newestFirst(b.snapshots)[0] ?? '') ?? 0n)
        ? -1
        : 1;
    })[0];
}

/** Streams one of the host's files, gzipped on the way, into the backup; returns its ungzipped bytes. */
async function fetchFile(
  executor: HostExecutor,
  remoteDir: string,
  name: string,
  into: string,
): Promise<Buffer> {
  const local = storedPath(into, { name });
  const result = await executor.session.download(
    `gzip -1 -c -- ${shellPath(remoteDir)}/${shellQuote(name)}`,
    createWriteStream(local, { mode: 0o600 }),
  );
  if (result.code !== 0) {
    throw new HostError(
      executor.host,
      `cannot read ${remoteDir}/${name}: ${result.stderr.trim() || `exit ${result.code}`}`,
      'a file ZooKeeper removed meanwhile (autopurge) is found again by a new run: run backup again',
    );
  }
  return gunzipSync(readFileSync(local));
}

export interface TakeBackupInput {
  executor: HostExecutor;
  source: Candidate;
  dataDir: string;
  dataLogDir: string;
  ensemble: string;
  inventory: string;
  outDir: string;
}

/**
 * Takes a backup from a serving server: its newest sealed snapshot (one being written is passed
 * over for the one before) and every transaction log from it on, streamed here gzipped (nothing
 * written on the host), the tree they hold read back, then the manifest; the directory takes its
 * name only when whole.
 */
export async function takeBackup(input: TakeBackupInput): Promise<{ dir: string; manifest: Manifest }> {
  const { executor, source } = input;
  const takenAt = new Date();
  const partial = join(input.outDir, `.${input.ensemble}-partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, 'files'), { recursive: true, mode: 0o700 });
  try {
    let snapshotName: string | undefined;
    let snapshot: Buffer | undefined;
    for (const name of newestFirst(source.snapshots).slice(0, 2)) {
      const bytes = await fetchFile(executor, `${input.dataDir}/version-2`, name, partial);
      if (snapshotSealed(bytes)) {
        [snapshotName, snapshot] = [name, bytes];
        break;
      }
      rmSync(storedPath(partial, { name }));
    }
    if (!snapshotName || !snapshot) {
      throw new HostError(
        executor.host,
        'no whole snapshot among its newest two',
        'run backup again (a snapshot was being written)',
      );
    }
    const files: BackupFile[] = [{ name: snapshotName, size: snapshot.length, sha256: sha256(snapshot) }];
    const logs: Buffer[] = [];
    for (const name of logsAfter(source.logs, zxidOfFileName(snapshotName) ?? 0n)) {
      const bytes = await fetchFile(executor, `${input.dataLogDir}/version-2`, name, partial);
      logs.push(bytes);
      files.push({ name, size: bytes.length, sha256: sha256(bytes) });
    }
    const tree = treeOfFiles(snapshotName, snapshot, logs);
    const manifest: Manifest = {
      format: FORMAT,
      ensemble: input.ensemble,
      inventory: input.inventory,
      host: source.status.name,
      release: source.status.version ?? 'unknown',
      zxid: hexZxid(tree.zxid),
      snapshotZxid: hexZxid(zxidOfFileName(snapshotName) ?? 0n),
      takenAt: takenAt.toISOString(),
      znodes: comparedCount(tree.persistent()),
      ephemeral: tree.ephemeralCount(),
      files,
    };
    writeFileSync(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    const stamp = takenAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const dir = join(input.outDir, `${input.ensemble}-${stamp}-${manifest.zxid}`);
    renameSync(partial, dir);
    return { dir, manifest };
  } catch (err: unknown) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}
