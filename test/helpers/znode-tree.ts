import zookeeper from 'node-zookeeper-client';
import { hostIp, hostName, hostNumbers } from './lab.js';
import { zkClient } from './zk-client.js';

/** A znode as a client reads it: its data and its ACL, both as text. */
export interface ReadZnode {
  data: string;
  acl: string;
  ephemeral: boolean;
}

const call = <T>(run: (done: (err: unknown, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))));

const aclText = (acls: zookeeper.ACL[]) =>
  acls
    .map((a) => `${(a as unknown as { permission: number }).permission} ${a.id.scheme}:${a.id.id}`)
    .join(', ');

/** The znodes under `root` (itself included) as one server shows them, by path. */
export async function readTree(client: zookeeper.Client, root: string): Promise<Map<string, ReadZnode>> {
  const tree = new Map<string, ReadZnode>();
  const visit = async (path: string): Promise<void> => {
    const [data, stat] = await new Promise<[Buffer, zookeeper.Stat]>((resolve, reject) =>
      client.getData(path, (err, d, s) => (err ? reject(err) : resolve([d ?? Buffer.alloc(0), s]))),
    );
    const acls = await call<zookeeper.ACL[]>((done) => client.getACL(path, (e, a) => done(e, a)));
    tree.set(path, {
      data: data.toString('utf8'),
      acl: aclText(acls),
      ephemeral: stat.ephemeralOwner.readBigInt64BE(0) !== 0n,
    });
    const kids = await call<string[]>((done) => client.getChildren(path, (e, k) => done(e, k)));
    for (const kid of kids.sort()) await visit(`${path}/${kid}`);
  };
  await visit(root);
  return tree;
}

/** The same tree read through each server on its own, by host name (no server absent). */
export async function treeOnEachServer(
  root: string,
  hosts: readonly number[] = hostNumbers(),
): Promise<Map<string, Map<string, ReadZnode>>> {
  const trees = new Map<string, Map<string, ReadZnode>>();
  for (const n of hosts) {
    const client = await zkClient([`${hostIp(n)}:2181`]);
    try {
      await call<string>((done) => client.exists(root, (e) => done(e, '')));
      trees.set(hostName(n), await readTree(client, root));
    } finally {
      client.close();
    }
  }
  return trees;
}

/** Whether a path exists, through each server on its own. */
export async function existsOnEachServer(
  path: string,
  hosts: readonly number[] = hostNumbers(),
): Promise<boolean[]> {
  const found: boolean[] = [];
  for (const n of hosts) {
    const client = await zkClient([`${hostIp(n)}:2181`]);
    try {
      found.push(await call<boolean>((done) => client.exists(path, (e, stat) => done(e, Boolean(stat)))));
    } finally {
      client.close();
    }
  }
  return found;
}

/**
 * Writes the tree the backup tests restore: nested znodes with data, sequential children, a znode
 * only readable by everyone (world:anyone r), and an ephemeral one held by `client`'s session.
 */
export async function writeSampleTree(client: zookeeper.Client, root: string): Promise<void> {
  const create = (
    path: string,
    data: string,
    mode = zookeeper.CreateMode.PERSISTENT,
    acl = [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('world', 'anyone'))],
  ) => call<string>((done) => client.create(path, Buffer.from(data), acl, mode, (e, p) => done(e, p)));
  await create(root, 'the application');
  await create(`${root}/config`, '');
  await create(`${root}/config/db`, JSON.stringify({ url: 'jdbc:postgresql://db/app', pool: 8 }));
  await create(`${root}/config/db/replica`, 'db-2');
  await create(`${root}/queue`, '');
  for (let i = 0; i < 5; i++)
    await create(`${root}/queue/item-`, `job ${i}`, zookeeper.CreateMode.PERSISTENT_SEQUENTIAL);
  const readOnly = [new zookeeper.ACL(zookeeper.Permission.READ, new zookeeper.Id('world', 'anyone'))];
  await create(`${root}/frozen`, 'read only for everyone', zookeeper.CreateMode.PERSISTENT, readOnly);
  await create(`${root}/lock`, 'held', zookeeper.CreateMode.EPHEMERAL);
  await call<zookeeper.Stat>((done) =>
    client.setData(`${root}/config`, Buffer.from('v2'), -1, (e, s) => done(e, s)),
  );
}

/** Removes a tree, children first. */
export async function removeTree(client: zookeeper.Client, path: string): Promise<void> {
  const kids = await call<string[]>((done) => client.getChildren(path, (e, k) => done(e, k)));
  for (const kid of kids) await removeTree(client, `${path}/${kid}`);
  await call<void>((done) => client.remove(path, -1, (e) => done(e, undefined)));
}
