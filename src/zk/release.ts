import { type TxnRecord, txnTypeName } from './txn-log.js';

/** A release's version as numbers: "3.4.9" → [3, 4, 9]. */
export function versionParts(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** Orders two versions: negative when a is older. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export const isAtLeast = (version: string, minimum: string) => compareVersions(version, minimum) >= 0;

/** 3.5 changed the four-letter words (a whitelist), the snapshot rules and the transaction types. */
export const is35OrLater = (version: string) => isAtLeast(version, '3.5.0');

/**
 * The transaction types a 3.4.x server can load (SerializeUtils.deserializeTxn of 3.4), and the ones
 * it accepts inside a multi (DataTree.processTxn); anything else stops it with "Unsupported Txn".
 */
const READ_BY_34 = new Set([-11, -10, -1, 1, 2, 5, 7, 14]);
const READ_BY_34_IN_MULTI = new Set([-1, 1, 2, 5, 13]);

/**
 * The types among these records that `version` cannot load, each with how often it occurs (empty
 * when it can load them all: every 3.5+ release reads what an older one wrote).
 */
export function unreadableTypes(records: readonly TxnRecord[], version: string): Map<string, number> {
  const found = new Map<string, number>();
  if (is35OrLater(version)) return found;
  const count = (type: number) => found.set(txnTypeName(type), (found.get(txnTypeName(type)) ?? 0) + 1);
  for (const record of records) {
    if (!READ_BY_34.has(record.type)) count(record.type);
    for (const inner of record.inner) if (!READ_BY_34_IN_MULTI.has(inner)) count(inner);
  }
  return found;
}
