import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

export const MANIFEST = 'manifest.json';
export const FORMAT = 'zkdeploy-backup/1';

/** One of ZooKeeper's files in a backup, stored gzipped; size and sha256 are of the file itself. */
export interface BackupFile {
  /** snapshot.<zxid> (goes to dataDir/version-2) or log.<zxid> (dataLogDir/version-2). */
  name: string;
  size: number;
  sha256: string;
}

/** What a backup directory holds, written last: a directory without it is no backup. */
export interface Manifest {
  format: typeof FORMAT;
  /** The inventory it was taken of (file name without extension) and its path then. */
  ensemble: string;
  inventory: string;
  host: string;
  release: string;
  /** The last transaction the files hold, and the snapshot they start from. */
  zxid: string;
  snapshotZxid: string;
  takenAt: string;
  /** Persistent znodes a restore compares (ZooKeeper's own /zookeeper and /zookeeper/config left out), and ephemeral ones. */
  znodes: number;
  ephemeral: number;
  files: BackupFile[];
}

/** Where a file's bytes are in the backup directory. */
export const storedPath = (dir: string, file: Pick<BackupFile, 'name'>) =>
  join(dir, 'files', `${file.name}.gz`);

const FILE_NAME = /^(snapshot|log)\.[0-9a-f]{1,16}$/;
const ZXID = /^0x[0-9a-f]{1,16}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Reads and checks a backup's manifest; anything off is bad input naming the file and the fix. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err: unknown) {
    throw new InputError(
      `${path}: ${err instanceof Error ? err.message : String(err)}`,
      'name a directory zkdeploy backup wrote (it holds manifest.json and files/)',
    );
  }
  const m = value as Partial<Manifest>;
  const files = Array.isArray(m.files) ? m.files : [];
  const wrong =
    m.format !== FORMAT
      ? `format is ${JSON.stringify(m.format)}, not ${FORMAT}`
      : !ZXID.test(m.zxid ?? '') || !ZXID.test(m.snapshotZxid ?? '')
        ? 'zxid or snapshotZxid is not a zxid (0x…)'
        : !/^\d+(\.\d+)+/.test(m.release ?? '')
          ? 'release is not a version'
          : files.filter((f) => f?.name?.startsWith('snapshot.')).length !== 1
            ? 'it does not list exactly one snapshot'
            : files.find(
                  (f) => !FILE_NAME.test(f?.name ?? '') || !SHA256.test(f?.sha256 ?? '') || !(f.size >= 0),
                )
              ? 'a file entry is not a ZooKeeper file name with a size and a sha256'
              : undefined;
  if (wrong)
    throw new InputError(`${path}: ${wrong}`, 'use the backup as zkdeploy wrote it, or another backup');
  return m as Manifest;
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The sha256 of a stored (gzipped) file as it is, for the upload's own check on the host. */
export const gzSha256 = (path: string) => sha256(readFileSync(path));

/** A stored file's bytes, ungzipped and checked against the manifest; a mismatch throws, naming the file. */
export function readStored(dir: string, file: BackupFile): Buffer {
  const path = storedPath(dir, file);
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readFileSync(path));
  } catch (err: unknown) {
    throw new InputError(
      `${path}: ${err instanceof Error ? err.message : String(err)}`,
      'the backup is damaged: use another backup',
    );
  }
  if (bytes.length !== file.size || sha256(bytes) !== file.sha256) {
    throw new InputError(
      `${path}: its content is not what ${MANIFEST} records (size ${bytes.length}, want ${file.size}; sha256 differs)`,
      'the backup is damaged: use another backup',
    );
  }
  return bytes;
}
