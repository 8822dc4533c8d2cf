import type { ACL } from 'node-zookeeper-client';
import type { ZkSession } from '../zk/client.js';
import { formatAcls } from '../zk/jute.js';
import type { SeenZnode } from './compare.js';

/** node-zookeeper-client names the field `permission` (its type declarations say `perms`). */
const permsOf = (acl: ACL) => (acl as unknown as { permission?: number }).permission ?? acl.perms;
const long = (bytes: Buffer) => bytes.readBigInt64BE(0);
const noAuth = (err: unknown) => err instanceof Error && /NO_AUTH/.test(err.message);
const gone = (err: unknown) => err instanceof Error && /NO_NODE/.test(err.message);

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
  const visit = async (path: string): Promise<void> => {
    let stat = await session.stat(path);
    if (!stat) return; // gone meanwhile (an ephemeral whose session expired)
    let acl: string | undefined;
    let data: Buffer | undefined;
    let children: string[] = [];
    try {
      const { acls } = await session.getAcl(path);
      acl = formatAcls(acls.map((a) => ({ perms: permsOf(a), scheme: a.id.scheme, id: a.id.id })));
      ({ data, stat } = await session.getRaw(path));
      children = await session.children(path);
    } catch (err: unknown) {
      if (gone(err)) return;
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
    for (const child of children) await visit(path === '/' ? `/${child}` : `${path}/${child}`);
  };
  await visit('/');
  return { nodes, unreadable };
}
