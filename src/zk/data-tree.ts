import { type Acl, JuteReader, readAcl } from './jute.js';

/** One znode as the backup's files hold it: what a restore must bring back. */
export interface Znode {
  data: Buffer;
  acl: Acl[];
  czxid: bigint;
  mzxid: bigint;
  version: number;
  aversion: number;
  ephemeralOwner: bigint;
}

/**
 * Whether a znode's owner is a client session: 0 is a persistent node, Long.MIN_VALUE a container
 * and a top byte of 0xff a TTL node (EphemeralType of 3.5+); a session id's top byte is a server id.
 */
export function isEphemeral(owner: bigint): boolean {
  if (owner === 0n || owner === -0x8000000000000000n) return false;
  return BigInt.asUintN(64, owner) >> 56n !== 0xffn;
}

/** The znodes and sessions a snapshot plus the transaction logs after it add up to. */
export class ZnodeTree {
  readonly nodes = new Map<string, Znode>();
  readonly sessions = new Map<bigint, number>();
  /** The last transaction applied (or the snapshot's zxid). */
  zxid = 0n;

  persistent(): Map<string, Znode> {
    return new Map([...this.nodes].filter(([, node]) => !isEphemeral(node.ephemeralOwner)));
  }

  ephemeralCount(): number {
    return [...this.nodes.values()].filter((node) => isEphemeral(node.ephemeralOwner)).length;
  }

  /**
   * Applies one logged transaction (TxnHeader then its record). As ZooKeeper does when it replays
   * logs over a fuzzy snapshot, a create of a node already there or a change to one not there is
   * passed over: the snapshot may already hold its effect.
   */
  apply(entry: Buffer): void {
    const reader = new JuteReader(entry);
    const clientId = reader.long();
    reader.int(); // cxid
    const zxid = reader.long();
    reader.long(); // time
    const type = reader.int();
    this.applyRecord(type, reader, clientId, zxid);
    if (zxid > this.zxid) this.zxid = zxid;
  }

  private applyRecord(type: number, reader: JuteReader, clientId: bigint, zxid: bigint): void {
    switch (type) {
      case 1: // create
      case 15: {
        // create2
        const path = reader.string() ?? '';
        const data = reader.buffer();
        const acl = reader.vector(readAcl) ?? [];
        const ephemeral = reader.boolean();
        this.create(path, data, acl, ephemeral ? clientId : 0n, zxid);
        return;
      }
      case 19: // createContainer
      case 21: {
        // createTTL
        const path = reader.string() ?? '';
        const data = reader.buffer();
        const acl = reader.vector(readAcl) ?? [];
        reader.int(); // parentCVersion
        const owner =
          type === 19 ? -0x8000000000000000n : BigInt.asIntN(64, 0xff00000000000000n | reader.long());
        this.create(path, data, acl, owner, zxid);
        return;
      }
      case 2: // delete
      case 20: // deleteContainer
        this.nodes.delete(reader.string() ?? '');
        return;
      case 5: // setData
      case 16: {
        // reconfig (a setData of /zookeeper/config)
        const node = this.nodes.get(reader.string() ?? '');
        const data = reader.buffer();
        const version = reader.int();
        if (node) Object.assign(node, { data: data ?? Buffer.alloc(0), version, mzxid: zxid });
        return;
      }
      case 7: {
        // setACL
        const node = this.nodes.get(reader.string() ?? '');
        const acl = reader.vector(readAcl) ?? [];
        const version = reader.int();
        if (node) Object.assign(node, { acl, aversion: version });
        return;
      }
      case -10: // createSession
        this.sessions.set(clientId, reader.int());
        return;
      case -11: // closeSession: its ephemeral nodes go with it
        this.sessions.delete(clientId);
        for (const [path, node] of this.nodes) if (node.ephemeralOwner === clientId) this.nodes.delete(path);
        return;
      case 14: {
        // multi: each operation as its own record (a failed multi logs only error records)
        for (const op of reader.vector((r) => ({ type: r.int(), bytes: r.buffer() })) ?? []) {
          this.applyRecord(op.type, new JuteReader(op.bytes ?? Buffer.alloc(0)), clientId, zxid);
        }
        return;
      }
      default: // error, check, and what changes no znode
        return;
    }
  }

  private create(path: string, data: Buffer | null, acl: Acl[], owner: bigint, zxid: bigint): void {
    if (this.nodes.has(path)) return;
    this.nodes.set(path, {
      data: data ?? Buffer.alloc(0),
      acl,
      czxid: zxid,
      mzxid: zxid,
      version: 0,
      aversion: 0,
      ephemeralOwner: owner,
    });
  }
}
