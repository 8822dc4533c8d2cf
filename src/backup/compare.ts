import { isEphemeral, type Znode } from '../zk/data-tree.js';
import { formatAcls } from '../zk/jute.js';

/** A znode as a server shows it to a client; data and ACL are absent where it refused to show them. */
export interface SeenZnode {
  data?: Buffer | undefined;
  acl?: string | undefined;
  czxid: bigint;
  mzxid: bigint;
  /** The zxid of the last change to its children. */
  pzxid: bigint;
  version: number;
  aversion: number;
  ephemeralOwner: bigint;
}

/** Znodes ZooKeeper keeps for itself and writes differently by release: never compared. */
const OWN_NODES = new Set(['/zookeeper', '/zookeeper/config']);

const compared = (path: string, owner: bigint) => !OWN_NODES.has(path) && !isEphemeral(owner);

const show = (data: Buffer) => {
  const text = data.toString('utf8');
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
};

/** How a server's znodes compare with a backup's. */
export interface TreeComparison {
  /** What the restore got wrong: each a path and how it differs. Empty when the trees are the same. */
  differences: string[];
  /** What clients changed once the restored ensemble served (zxids past the backup's): not wrong. */
  changedSince: string[];
}

/**
 * Compares the persistent znodes a backup holds with those a server shows: paths, data, ACLs and
 * the versions and zxids of their last changes. Below a znode the server would not let an
 * unauthenticated client read (`unreadable`), nothing was listed, so nothing there is missing.
 * Given the backup's zxid (`restoredAt`), a change with a later zxid was made by a client after the
 * restore (a znode created or modified since, a child deleted since: its parent's pzxid moved) and
 * is counted apart, not as a difference.
 */
export function compareTrees(
  expected: ReadonlyMap<string, Znode>,
  seen: ReadonlyMap<string, SeenZnode>,
  unreadable: readonly string[] = [],
  restoredAt?: bigint,
): TreeComparison {
  const hidden = (path: string) =>
    unreadable.some((top) => path.startsWith(top === '/' ? '/' : `${top}/`) && path !== top);
  const since = (zxid: bigint) => restoredAt !== undefined && zxid > restoredAt;
  const differences: string[] = [];
  const changedSince: string[] = [];
  for (const [path, want] of expected) {
    if (!compared(path, want.ephemeralOwner) || hidden(path)) continue;
    const got = seen.get(path);
    if (!got) {
      const parent = nearestSeenAncestor(path, seen);
      if (parent && since(parent.pzxid)) changedSince.push(`${path}: deleted since`);
      else differences.push(`${path}: missing`);
      continue;
    }
    if (since(got.mzxid)) {
      changedSince.push(`${path}: ${since(got.czxid) ? 'created again' : 'changed'} since`);
      continue;
    }
    if (got.data !== undefined && !got.data.equals(want.data))
      differences.push(`${path}: data ${show(got.data)}, backup has ${show(want.data)}`);
    if (got.acl !== undefined && got.acl !== formatAcls(want.acl))
      differences.push(`${path}: ACL ${got.acl}, backup has ${formatAcls(want.acl)}`);
    for (const key of ['czxid', 'mzxid', 'version', 'aversion'] as const) {
      if (got[key] !== want[key]) differences.push(`${path}: ${key} ${got[key]}, backup has ${want[key]}`);
    }
  }
  for (const [path, got] of seen) {
    if (!compared(path, got.ephemeralOwner) || expected.has(path)) continue;
    if (since(got.czxid)) changedSince.push(`${path}: created since`);
    else differences.push(`${path}: not in the backup`);
  }
  return { differences, changedSince };
}

function nearestSeenAncestor(path: string, seen: ReadonlyMap<string, SeenZnode>): SeenZnode | undefined {
  for (let at = path.lastIndexOf('/'); at >= 0; at = path.lastIndexOf('/', at - 1)) {
    const found = seen.get(at === 0 ? '/' : path.slice(0, at));
    if (found || at === 0) return found;
  }
  return undefined;
}

/** How many znodes a comparison covers. */
export const comparedCount = (expected: ReadonlyMap<string, Znode>) =>
  [...expected].filter(([path, node]) => compared(path, node.ephemeralOwner)).length;
