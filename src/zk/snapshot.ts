import { ZnodeTree } from './data-tree.js';
import { type Acl, JuteReader, readAcl } from './jute.js';

const SNAP_MAGIC = 0x5a4b534e; // "ZKSN"
/** The ACL id ZooKeeper keeps for OPEN_ACL_UNSAFE without storing it in the snapshot's ACL table. */
const OPEN_ACL_ID = -1n;
const OPEN_ACL: Acl[] = [{ perms: 31, scheme: 'world', id: 'anyone' }];

/**
 * Whether a snapshot file was written to the end: ZooKeeper seals one with its checksum and the
 * path "/" (a 4-byte length 1, then '/'), and trusts no snapshot without it (Util.isValidSnapshot).
 * One being written while we read it lacks the seal.
 */
export function snapshotSealed(bytes: Buffer): boolean {
  if (bytes.length < 10 || bytes.readUInt32BE(0) !== SNAP_MAGIC) return false;
  return bytes.readInt32BE(bytes.length - 5) === 1 && bytes[bytes.length - 1] === 0x2f;
}

/**
 * Reads a snapshot (FileSnap.serialize: header, sessions, ACL table, then every znode as its path
 * and DataNode until the path "/"). Throws when the bytes are not a whole snapshot.
 */
export function readSnapshot(bytes: Buffer, zxid: bigint): ZnodeTree {
  if (!snapshotSealed(bytes))
    throw new Error('not a whole ZooKeeper snapshot (no ZKSN header or no seal at its end)');
  const reader = new JuteReader(bytes, 16); // magic, version, dbid
  const tree = new ZnodeTree();
  tree.zxid = zxid;
  const sessions = reader.int();
  for (let i = 0; i < sessions; i++) tree.sessions.set(reader.long(), reader.int());
  const acls = new Map<bigint, Acl[]>([[OPEN_ACL_ID, OPEN_ACL]]);
  const aclCount = reader.int();
  for (let i = 0; i < aclCount; i++) acls.set(reader.long(), reader.vector(readAcl) ?? []);
  for (;;) {
    const path = reader.string() ?? '';
    if (path === '/') break;
    const data = reader.buffer() ?? Buffer.alloc(0);
    const acl = acls.get(reader.long()) ?? [];
    const czxid = reader.long();
    const mzxid = reader.long();
    reader.long(); // ctime
    reader.long(); // mtime
    const version = reader.int();
    reader.int(); // cversion
    const aversion = reader.int();
    const ephemeralOwner = reader.long();
    reader.long(); // pzxid
    tree.nodes.set(path === '' ? '/' : path, { data, acl, czxid, mzxid, version, aversion, ephemeralOwner });
  }
  return tree;
}
