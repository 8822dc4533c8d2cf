import { gunzipSync } from 'node:zlib';
import { HostError } from '../errors.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import { parseSections } from '../remote/sections.js';
import type { HostExecutor } from '../run/executor.js';
import { readTxnLog, type TxnRecord, zxidOfFileName } from '../zk/txn-log.js';

const LOG_NAME = /^log\.[0-9a-f]+$/;

/** Log file names in zxid order. */
export const byZxid = (names: readonly string[]) =>
  [...names].sort((a, b) => Number((zxidOfFileName(a) ?? 0n) - (zxidOfFileName(b) ?? 0n)));

/**
 * The log files that may hold transactions after `zxid`: the last one starting at or before it, and
 * every later one (a file is named after its first transaction).
 */
export function logsAfter(names: readonly string[], zxid: bigint): string[] {
  const sorted = byZxid(names);
  const startingBefore = sorted.filter((name) => (zxidOfFileName(name) ?? 0n) <= zxid).length;
  return sorted.slice(Math.max(0, startingBefore - 1));
}

/**
 * Reads transaction log files of a host's dataLogDir. They travel gzipped: each is preallocated to
 * 64 MiB, mostly zeros, which gzip shrinks to almost nothing.
 */
export async function readLogs(
  executor: HostExecutor,
  dataLogDir: string,
  names: readonly string[],
): Promise<TxnRecord[]> {
  if (names.length === 0) return [];
  const dir = shellPath(`${dataLogDir}/version-2`);
  const script = names
    .filter((name) => LOG_NAME.test(name))
    .map((name) => `echo @@${name}; gzip -1 -c -- ${dir}/${shellQuote(name)} | base64 -w0; echo`)
    .join('\n');
  const sections = parseSections((await executor.probe(script)).stdout);
  const records: TxnRecord[] = [];
  for (const name of names) {
    const encoded = sections.get(name);
    try {
      records.push(...readTxnLog(gunzipSync(Buffer.from(encoded ?? '', 'base64'))).records);
    } catch (err: unknown) {
      throw new HostError(
        executor.host,
        `cannot read the transaction log ${dataLogDir}/version-2/${name}: ${err instanceof Error ? err.message : String(err)}`,
        'look at the file on the host; zkdeploy reads it only to know what it holds',
      );
    }
  }
  return records;
}

/** The last zxid the data holds: the newest logged transaction, or the newest snapshot's name. */
export function lastZxid(records: readonly TxnRecord[], snapshots: readonly string[]): bigint {
  let last = 0n;
  for (const r of records) if (r.zxid > last) last = r.zxid;
  for (const s of snapshots) {
    const z = zxidOfFileName(s) ?? 0n;
    if (z > last) last = z;
  }
  return last;
}
