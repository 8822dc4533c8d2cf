import { setTimeout as sleep } from 'node:timers/promises';
import type zookeeper from 'node-zookeeper-client';
import { hostIp, hostName, hostNumbers } from './lab.js';
import { connectedServer, srvrReport, zk, zkClient } from './zk-client.js';

/** A write that failed after the retries, or a ConnectionLoss a retry absorbed: when, and through which server. */
export interface WriteEvent {
  at: number;
  server: string;
  error?: string;
}

/** What a live writer saw, once stopped. */
export interface WriterReport {
  acked: string[];
  /** When each acknowledged write was acknowledged (Date.now()), in order. */
  ackedAt: number[];
  failed: WriteEvent[];
  connectionLosses: WriteEvent[];
  /** Each server's spans of not answering srvr, by host name. */
  down: Map<string, { from: number; to: number }[]>;
  /** The longest time no server said it leads, in ms (srvr every 50 ms). */
  longestLeaderGap: number;
  /** Polls at which two servers said they lead with different epochs: two quorums. */
  twoLeaders: string[];
  client: zookeeper.Client;
}

/**
 * A client like an application's, writing under `path` while the ensemble is changed: one write in
 * flight at a time, about 40 a second, each retried on ConnectionLoss as ZooKeeper's client contract
 * asks (what Curator does for every call); beside it, every server's mode straight from its client
 * port every 50 ms, for when each was down and how long the ensemble went without a leader.
 */
export async function startLiveWriter(
  path: string,
  count = 5,
): Promise<{ stop: () => Promise<WriterReport>; acked: () => string[]; close: () => Promise<void> }> {
  const names = new Map(hostNumbers(count).map((n) => [hostIp(n), hostName(n)]));
  const client = await zkClient(hostNumbers(count).map((n) => `${hostIp(n)}:2181`));
  await zk.mkdirp(client, path);
  const acked: string[] = [];
  const ackedAt: number[] = [];
  const failed: WriteEvent[] = [];
  const connectionLosses: WriteEvent[] = [];
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const at = Date.now();
      const server = names.get(connectedServer(client) ?? '') ?? '?';
      const name = `w-${String(i).padStart(6, '0')}`;
      try {
        const lost = await zk.createRetrying(client, `${path}/${name}`, String(i));
        for (let k = 0; k < lost; k++) connectionLosses.push({ at, server });
        acked.push(name);
        ackedAt.push(Date.now());
      } catch (err: unknown) {
        failed.push({ at, server, error: String(err) });
      }
      await sleep(25);
    }
  })();

  const down = new Map<string, { from: number; to: number }[]>();
  let watching = true;
  let lastLeader = Date.now();
  let longestLeaderGap = 0;
  const twoLeaders: string[] = [];
  const watcher = (async () => {
    while (watching) {
      const reports = await Promise.all(hostNumbers(count).map((n) => srvrReport(hostIp(n), 2181, 200)));
      const modes = reports.map((r) => r.mode);
      const now = Date.now();
      const leaders = reports.flatMap((r, i) =>
        r.mode === 'leader' ? [`${hostName(i + 1)} epoch ${r.epoch}`] : [],
      );
      if (new Set(reports.filter((r) => r.mode === 'leader').map((r) => r.epoch)).size > 1)
        twoLeaders.push(`${new Date(now).toISOString()}: ${leaders.join(', ')}`);
      modes.forEach((mode, i) => {
        const spans = down.get(hostName(i + 1)) ?? [];
        const open = spans.at(-1);
        if (mode === 'none' && (!open || open.to !== Number.POSITIVE_INFINITY))
          spans.push({ from: now, to: Number.POSITIVE_INFINITY });
        if (mode !== 'none' && open && open.to === Number.POSITIVE_INFINITY) open.to = now;
        down.set(hostName(i + 1), spans);
      });
      if (modes.includes('leader')) {
        longestLeaderGap = Math.max(longestLeaderGap, now - lastLeader);
        lastLeader = now;
      }
      await sleep(50);
    }
  })();

  let stopped: Promise<WriterReport> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await sleep(1000);
      writing = false;
      watching = false;
      await Promise.all([writer, watcher]);
      return { acked, ackedAt, failed, connectionLosses, down, longestLeaderGap, twoLeaders, client };
    })();
    return stopped;
  };
  return {
    stop,
    acked: () => [...acked],
    // For a finally: a test that failed midway must not leave the writer running (it keeps the test
    // process alive and writes into the next test's ensemble).
    close: async () => {
      await stop();
      client.close();
    },
  };
}

/** The children of `path` as each server has them, asked of that server alone (hosts by number). */
export async function childrenOnEachServer(
  path: string,
  hosts: readonly number[] = hostNumbers(),
): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  for (const n of hosts) {
    const client = await zkClient([`${hostIp(n)}:2181`]);
    try {
      found.set(hostName(n), new Set(await zk.children(client, path)));
    } finally {
      client.close();
    }
  }
  return found;
}
