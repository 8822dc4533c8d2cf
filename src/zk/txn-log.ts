/**
 * ZooKeeper's transaction log files (dataLogDir/version-2/log.<zxid>), read far enough to tell which
 * transaction types they hold: a file header (magic "ZKLG", format version, dbid), then records of
 * checksum, length, bytes and an end-of-record 'B'. The file is preallocated, so a zero length ends it.
 */

const MAGIC = 0x5a4b4c47;
const HEADER_BYTES = 16;
/** Where a record's type sits in its bytes: after clientId (8), cxid (4), zxid (8) and time (8). */
const TYPE_OFFSET = 28;
const ZXID_OFFSET = 12;
const MULTI = 14;

/** Transaction types by their code (ZooDefs.OpCode). */
export const TXN_TYPE_NAMES: Readonly<Record<number, string>> = {
  [-11]: 'closeSession',
  [-10]: 'createSession',
  [-1]: 'error',
  1: 'create',
  2: 'delete',
  5: 'setData',
  7: 'setACL',
  13: 'check',
  14: 'multi',
  15: 'create2',
  16: 'reconfig',
  19: 'createContainer',
  20: 'deleteContainer',
  21: 'createTTL',
};

export const txnTypeName = (type: number): string => TXN_TYPE_NAMES[type] ?? `type ${type}`;

/** One logged transaction: its zxid, its type, and for a multi the types inside it. */
export interface TxnRecord {
  zxid: bigint;
  type: number;
  inner: number[];
}

/** What a log file holds; `damaged` when it ends in the middle of a record (a crash while writing). */
export interface TxnLog {
  records: TxnRecord[];
  damaged: boolean;
}

function multiTypes(entry: Buffer): number[] {
  const types: number[] = [];
  let at = TYPE_OFFSET + 4;
  if (entry.length < at + 4) return types;
  const count = entry.readInt32BE(at);
  at += 4;
  for (let i = 0; i < count && at + 8 <= entry.length; i++) {
    types.push(entry.readInt32BE(at));
    const length = entry.readInt32BE(at + 4);
    at += 8 + Math.max(0, length);
  }
  return types;
}

/**
 * A transaction log file's entries (each a TxnHeader and its record), in order; `damaged` when it
 * ends in the middle of one. Throws when the bytes are not a transaction log.
 */
export function txnEntries(bytes: Buffer): { entries: Buffer[]; damaged: boolean } {
  if (bytes.length < HEADER_BYTES || bytes.readUInt32BE(0) !== MAGIC) {
    throw new Error('not a ZooKeeper transaction log (no ZKLG header)');
  }
  const entries: Buffer[] = [];
  let at = HEADER_BYTES;
  while (at + 12 <= bytes.length) {
    const length = bytes.readInt32BE(at + 8);
    if (length <= 0) return { entries, damaged: false };
    const end = at + 12 + length;
    if (end + 1 > bytes.length || length < TYPE_OFFSET + 4) return { entries, damaged: true };
    // Without its end-of-record byte ZooKeeper takes the entry for the end of the log, and so do we.
    if (bytes[end] !== 0x42) return { entries, damaged: true };
    entries.push(bytes.subarray(at + 12, end));
    at = end + 1;
  }
  return { entries, damaged: false };
}

/** Reads a transaction log file's records; throws when the bytes are not a transaction log. */
export function readTxnLog(bytes: Buffer): TxnLog {
  const { entries, damaged } = txnEntries(bytes);
  const records = entries.map((entry) => {
    const type = entry.readInt32BE(TYPE_OFFSET);
    return { zxid: entry.readBigInt64BE(ZXID_OFFSET), type, inner: type === MULTI ? multiTypes(entry) : [] };
  });
  return { records, damaged };
}

/** A zxid as ZooKeeper prints it (0x100000a3c). */
export const hexZxid = (zxid: bigint): string => `0x${zxid.toString(16)}`;

/** The zxid in a log or snapshot file's name (log.100000001 → 0x100000001n). */
export function zxidOfFileName(name: string): bigint | undefined {
  const hex = /^(?:log|snapshot)\.([0-9a-f]+)$/.exec(name)?.[1];
  return hex === undefined ? undefined : BigInt(`0x${hex}`);
}
