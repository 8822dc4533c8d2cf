import { setTimeout as sleep } from 'node:timers/promises';
import { within } from '../timing.js';
import { CreateMode, type ZkSession } from '../zk/client.js';

/** A server as the client reaches it: its name and a host:port (direct, or a local tunnel). */
export interface Endpoint {
  name: string;
  address: string;
}

/** One check through one server. */
export interface VerifyResult {
  check: string;
  server: string;
  ok: boolean;
  ms: number;
  detail: string;
}

/** What every check gets: a session per reachable server, a way to open more, a scratch path. */
export interface VerifyContext {
  sessions: Map<string, ZkSession>;
  endpoints: Endpoint[];
  base: string;
  /** Opens one more session through a server's address (the ephemeral and lock checks' own clients). */
  open: (address: string) => Promise<ZkSession>;
}

/** Polls until `test` holds or `ms` pass; returns whether it held. */
async function eventually(test: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await test().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

const others = (ctx: VerifyContext, name: string) => [...ctx.sessions].filter(([n]) => n !== name);
const next = (ctx: VerifyContext, name: string) => {
  const names = [...ctx.sessions.keys()];
  return names[(names.indexOf(name) + 1) % names.length] as string;
};

/** A znode written through one server is read back through every other, same version and zxid. */
export async function replication(ctx: VerifyContext, server: string): Promise<string> {
  const writer = ctx.sessions.get(server) as ZkSession;
  const path = `${ctx.base}/replicated-${server}`;
  await writer.create(path, `written through ${server}`);
  const { stat } = await writer.getData(path);
  for (const [name, reader] of others(ctx, server)) {
    const seen = await eventually(async () => {
      const got = await reader.getData(path);
      return (
        got.data === `written through ${server}` &&
        got.stat.version === stat.version &&
        got.stat.mzxid.equals(stat.mzxid)
      );
    });
    if (!seen) throw new Error(`not read back through ${name} with the same data, version and zxid`);
  }
  return `read back through ${others(ctx, server).length} servers, version ${stat.version}, zxid 0x${stat.mzxid.toString('hex').replace(/^0+/, '')}`;
}

/** An ephemeral node disappears from every server's view when its session closes. */
export async function ephemeral(ctx: VerifyContext, server: string): Promise<string> {
  const endpoint = ctx.endpoints.find((e) => e.name === server) as Endpoint;
  const owner = await ctx.open(endpoint.address);
  const path = `${ctx.base}/ephemeral-${server}`;
  try {
    await owner.create(path, 'ephemeral', CreateMode.EPHEMERAL);
    for (const [name, session] of ctx.sessions) {
      if (!(await eventually(() => session.exists(path))))
        throw new Error(`the ephemeral node is not seen through ${name}`);
    }
  } finally {
    owner.close();
  }
  for (const [name, session] of ctx.sessions) {
    if (!(await eventually(async () => !(await session.exists(path)), 12000))) {
      throw new Error(`the ephemeral node outlived its session through ${name}`);
    }
  }
  return `seen through ${ctx.sessions.size} servers, gone from all after its session closed`;
}

/** Sequential nodes created through different servers in turn get strictly increasing numbers. */
export async function sequential(ctx: VerifyContext, server: string): Promise<string> {
  const parent = `${ctx.base}/sequence`;
  await ctx.sessions
    .get(server)
    ?.create(parent, '')
    .catch(() => undefined);
  let last = -1;
  const order = [server, ...others(ctx, server).map(([n]) => n), server];
  for (const name of order) {
    const created = await (ctx.sessions.get(name) as ZkSession).create(
      `${parent}/n-`,
      name,
      CreateMode.PERSISTENT_SEQUENTIAL,
    );
    const number = Number(created.slice(-10));
    if (!(number > last)) throw new Error(`through ${name} got ${number} after ${last}`);
    last = number;
  }
  return `${order.length} nodes through ${order.length - 1} servers in increasing order`;
}

/** A watch set through one server fires for a change made through another. */
export async function watch(ctx: VerifyContext, server: string): Promise<string> {
  const path = `${ctx.base}/watched-${server}`;
  const watcher = ctx.sessions.get(server) as ZkSession;
  const changer = next(ctx, server);
  await watcher.create(path, 'before');
  const fired = new Promise<string>((resolve) => {
    void watcher.getData(path, (event) => resolve(event.getName()));
  });
  await sleep(50);
  await (ctx.sessions.get(changer) as ZkSession).setData(path, 'after');
  const event = await within(fired, 3000);
  if (event !== 'NODE_DATA_CHANGED')
    throw new Error(`no NODE_DATA_CHANGED within 3s after a change through ${changer}`);
  return `fired for a change through ${changer}`;
}

/** The lock recipe: ephemeral sequential children, lowest holds, each waits on its predecessor. */
async function acquire(session: ZkSession, dir: string, owner: string): Promise<string> {
  const mine = (await session.create(`${dir}/lock-`, owner, CreateMode.EPHEMERAL_SEQUENTIAL))
    .split('/')
    .pop() as string;
  for (;;) {
    const children = (await session.children(dir)).sort();
    const index = children.indexOf(mine);
    if (index === 0) return `${dir}/${mine}`;
    const predecessor = `${dir}/${children[index - 1]}`;
    const gone = new Promise<void>((resolve) => {
      void session
        .exists(predecessor, () => resolve())
        .then((there) => {
          if (!there) resolve();
        });
    });
    await gone;
  }
}

/** Two clients on different servers take a lock: one holds it at a time, and it passes on release. */
export async function lock(ctx: VerifyContext, server: string): Promise<string> {
  const other = next(ctx, server);
  const endpoint = (n: string) => (ctx.endpoints.find((e) => e.name === n) as Endpoint).address;
  const a = await ctx.open(endpoint(server));
  const b = await ctx.open(endpoint(other));
  const dir = `${ctx.base}/lock-${server}`;
  try {
    await a.create(dir, '');
    const held = await acquire(a, dir, server);
    let bHolds = false;
    const bLock = acquire(b, dir, other).then((path) => {
      bHolds = true;
      return path;
    });
    await sleep(300);
    if (bHolds) throw new Error(`${other} took the lock while ${server} held it`);
    await a.remove(held);
    const passed = await within(bLock, 3000);
    if (!passed) throw new Error(`the lock did not pass to ${other} within 3s of its release`);
    await b.remove(passed);
    return `held through ${server}, passed to ${other} on release`;
  } finally {
    a.close();
    b.close();
  }
}

/** Every check, in the order the report shows them. */
export const CHECKS: [string, (ctx: VerifyContext, server: string) => Promise<string>][] = [
  ['replication', replication],
  ['ephemeral', ephemeral],
  ['sequential', sequential],
  ['watch', watch],
  ['lock', lock],
];
