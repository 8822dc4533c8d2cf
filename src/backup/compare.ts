import { isEphemeral, type Znode } from '../zk/data-tree.js';
import { formatAcls } from '../zk/jute.js';

/** A znode as a server shows it to a client; data and ACL are absent where it refused to show them. */
export interface SeenZnode {
  data?: Buffer | undefined;
  acl?: string | undefined;
  czxid: bigint;
  mzxid: bigint;
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

/**
 * The differences between the persistent znodes a backup holds and those a server shows: paths,
 * data, ACLs and the versions and zxids of their last changes. Empty when they are the same tree.
 * Below a znode the server would not let an unauthenticated client read (`unreadable`), nothing
 * was listed, so nothing there is missing.
 */
export function treeDifferences(
  expected: ReadonlyMap<string, Znode>,
  seen: ReadonlyMap<string, SeenZnode>,
  unreadable: readonly string[] = [],
): string[] {
  const hidden = (path: string) =>
    unreadable.some((top) => path.startsWith(top === '/' ? '/' : `${top}/`) && path !== top);
  const differences: string[] = [];
  for (const [path, want] of expected) {
    if (!compared(path, want.ephemeralOwner) || hidden(path)) continue;
    const got = seen.get(path);
    if (!got) {
      differences.push(`${path}: missing`);
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
    if (compared(path, got.ephemeralOwner) && !expected.has(path))
      differences.push(`${path}: not in the backup`);
  }
  return differences;
}

/** How many znodes a comparison covers. */
export const comparedCount = (expected: ReadonlyMap<string, Znode>) =>
  [...expected].filter(([path, node]) => compared(path, node.ephemeralOwner)).length;
