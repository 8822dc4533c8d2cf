import { connect as tcpConnect } from 'node:net';
import zookeeper from 'node-zookeeper-client';

/** A ZooKeeper session to the whole ensemble (a real client from npm), resolved once connected. */
export function zkClient(servers: string[]): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(servers.join(','), {
    sessionTimeout: 15000,
    spinDelay: 100,
    retries: 0,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ZooKeeper session within 10s')), 10000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

/** The address of the server a client is connected to now (node-zookeeper-client keeps its socket there). */
export function connectedServer(client: zookeeper.Client): string | undefined {
  const manager = (client as unknown as { connectionManager?: { socket?: { remoteAddress?: string } } })
    .connectionManager;
  return manager?.socket?.remoteAddress;
}

/** Promisified calls of node-zookeeper-client. */
export const zk = {
  mkdirp: (c: zookeeper.Client, path: string) =>
    new Promise<void>((res, rej) => c.mkdirp(path, (e) => (e ? rej(e) : res()))),
  /** create once, as a well-behaved application does (Curator's retry loop): a ConnectionLoss leaves the
   * outcome unknown, so retry after the client reconnects, and a NodeExists on a retry means the
   * lost attempt was applied. Resolves to how many ConnectionLoss errors it absorbed. */
  createRetrying: async (c: zookeeper.Client, path: string, data: string, attempts = 50) => {
    for (let lost = 0; ; lost++) {
      try {
        await new Promise<void>((res, rej) =>
          c.create(path, Buffer.from(data), zookeeper.CreateMode.PERSISTENT, (e) => (e ? rej(e) : res())),
        );
        return lost;
      } catch (err: unknown) {
        const code = (err as { getCode?: () => number }).getCode?.();
        if (code === zookeeper.Exception.NODE_EXISTS && lost > 0) return lost;
        if (code !== zookeeper.Exception.CONNECTION_LOSS || lost + 1 >= attempts) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  },
  children: (c: zookeeper.Client, path: string) =>
    new Promise<string[]>((res, rej) => c.getChildren(path, (e, kids) => (e ? rej(e) : res(kids)))),
  create: (c: zookeeper.Client, path: string, data: string) =>
    new Promise<void>((res, rej) =>
      c.create(path, Buffer.from(data), zookeeper.CreateMode.PERSISTENT, (e) => (e ? rej(e) : res())),
    ),
  get: (c: zookeeper.Client, path: string) =>
    new Promise<string>((res, rej) =>
      c.getData(path, (e, data) => (e ? rej(e) : res(data?.toString() ?? ''))),
    ),
};

/**
 * One call on one server alone (a session to it and no other, closed after): what zkCli.sh on that
 * host showed, without starting a JVM there. A read on a follower may trail a write acknowledged by
 * others by a few milliseconds, so a caller comparing reads retries (`until`).
 */
export async function onServer<T>(
  address: string,
  use: (client: zookeeper.Client) => Promise<T>,
): Promise<T> {
  const client = await zkClient([`${address}:2181`]);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** The data of `path` as one server serves it, read until it is `expected` (5 s at most); what it last read. */
export async function readOn(address: string, path: string, expected: string): Promise<string> {
  let last = '';
  for (const deadline = Date.now() + 5000; ; ) {
    last = await onServer(address, (c) => zk.get(c, path)).catch((err: unknown) => `(${String(err)})`);
    if (last === expected || Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The mode a server reports to `srvr` on its client port, straight over TCP ('none' when it does not answer). */
export async function srvrMode(host: string, port = 2181, timeoutMs = 500): Promise<string> {
  return (await srvrReport(host, port, timeoutMs)).mode;
}

/** The mode and the zxid's epoch (its high 32 bits) a server reports to `srvr`. */
export function srvrReport(
  host: string,
  port = 2181,
  timeoutMs = 500,
): Promise<{ mode: string; epoch: number | undefined }> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    let reply = '';
    const done = (mode: string) => {
      socket.destroy();
      const zxid = /^Zxid: 0x([0-9a-f]+)$/m.exec(reply)?.[1];
      resolve({ mode, epoch: zxid === undefined ? undefined : Number(BigInt(`0x${zxid}`) >> 32n) });
    };
    socket.setTimeout(timeoutMs, () => done('none'));
    socket.on('connect', () => socket.end('srvr'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
    });
    socket.on('error', () => done('none'));
    socket.on('close', () => done(/^Mode: (\S+)$/m.exec(reply)?.[1] ?? 'none'));
  });
}
