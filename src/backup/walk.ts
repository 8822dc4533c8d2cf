import type { ACL } from 'node-zookeeper-client';
import type { ZkSession } from '../zk/client.js';
import { formatAcls } from '../zk/jute.js';
import type { SeenZnode } from './compare.js';

/** node-zookeeper-client names the field `permission` (its type declarations say `perms`). */
const permsOf = (acl: ACL) => (acl as unknown as { permission?: number }).permission ?? acl.perms;
const long = (bytes: Buffer) => bytes.readBigInt64BE(0);
const noAuth = (err: unknown) => err instanceof Error && /NO_AUTH/.test(err.message);
const gone = (err: unknown) => err instanceof Error && /NO_NODE/.test(err.message);

/** Znodes asked about at once: one session pipelines its requests, so a walk is not a round trip per call. */
const IN_FLIGHT = 16;

/**
 * Every znode a server shows, walked from the root through a client session: data, ACL and stat.
 * A znode whose ACL denies an unauthenticated client READ is compared by its stat only, and its
 * children are not listed (they are named in `unreadable`).
 */
export async function walkTree(
  session: ZkSession,
): Promise<{ nodes: Map<string, SeenZnode>; unreadable: string[] }> {
  const nodes = new Map<string, SeenZnode>();
  const unreadable: string[] = [];
  /** Reads one znode; returns the paths of its children. */
  const visit = async (path: string): Promise<string[]> => {
    let stat = await session.stat(path);
    if (!stat) return []; // gone meanwhile (an ephemeral whose session expired)
    let acl: string | undefined;
    let data: Buffer | undefined;
    let children: string[] = [];
    try {
      const { acls } = await session.getAcl(path);
      acl = formatAcls(acls.map((a) => ({ perms: permsOf(a), scheme: a.id.scheme, id: a.id.id })));
      ({ data, stat } = await session.getRaw(path));
      children = await session.children(path);
    } catch (err: unknown) {
      if (gone(err)) return [];
      if (!noAuth(err)) throw err;
      unreadable.push(path);
    }
    nodes.set(path, {
      data,
      acl,
      czxid: long(stat.czxid),
      mzxid: long(stat.mzxid),
      pzxid: long(stat.pzxid),
      version: stat.version,
      aversion: stat.aversion,
      ephemeralOwner: long(stat.ephemeralOwner),
    });
    return children.map((child) => (path === '/' ? `/${child}` : `${path}/${child}`));
  };
  // At most IN_FLIGHT znodes read at once; a znode's slot is given back before its children are
  // walked, so a deep tree cannot hold every slot while it waits on itself.
  let free = IN_FLIGHT;
  const queued: (() => void)[] = [];
  const inSlot = async <T>(work: () => Promise<T>): Promise<T> => {
    if (free === 0) await new Promise<void>((resolve) => queued.push(resolve));
    else free--;
    try {
      return await work();
    } finally {
      const next = queued.shift();
      if (next) next();
      else free++;
    }
  };
  const walk = async (path: string): Promise<void> => {
    const children = await inSlot(() => visit(path));
    await Promise.all(children.map(walk));
  };
  await walk('/');
  return { nodes, unreadable };
}
