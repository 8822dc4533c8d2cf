import { HostError, ZkdeployError } from '../errors.js';
import { type DiskFree, diskFree, diskIsLow, formatDiskFree } from '../ops/disk-free.js';
import { askFourLetterWord } from '../ops/four-letter.js';
import type { Fleet, FleetHost } from '../run/fleet.js';
import { readHistory } from '../run/history.js';
import { lockHolder } from '../run/lock.js';
import { within } from '../timing.js';
import { judgeHealth } from '../zk/health.js';
import { PacketRate } from './packet-rate.js';
import { type Metric, type ServerSample, sampleFrom } from './sample.js';

/** One server as the page shows it. */
export interface ServerView {
  name: string;
  myid: number;
  observer: boolean;
  /** leader, follower, observer, standalone, not-serving, down (nothing on the client port), unreachable (no SSH). */
  mode: string;
  sample: ServerSample | null;
  /** Requests per second since the last sample (packets received). */
  rps: Metric;
  /** The data directories' room, as status words it, and whether status would warn of it. */
  disk: DiskView | null;
  error: string | null;
  fix: string | null;
}

export interface DiskView extends DiskFree {
  text: string;
  low: boolean;
}

const diskView = (disk: DiskFree | undefined): DiskView | null =>
  disk ? { ...disk, text: formatDiskFree(disk), low: diskIsLow(disk) } : null;

/**
 * A host that stops answering (cut off, powered down) leaves its connection open until keepalives
 * give up, ~30 s: its sample is abandoned sooner, so the other cards are not held up with it.
 */
const SAMPLE_TIMEOUT_MS = 5000;

/** A host's sample within SAMPLE_TIMEOUT_MS, else its error (`within` gives undefined on time out). */
async function withinSampleTime<T extends object>(host: string, sample: Promise<T>): Promise<T> {
  const answered = await within(sample, SAMPLE_TIMEOUT_MS);
  if (answered) return answered;
  throw new HostError(
    host,
    `no answer over SSH in ${SAMPLE_TIMEOUT_MS / 1000} s`,
    'check that the host is up and the network to it',
  );
}

/** What a card says of a host it cannot sample: zkdeploy's error and fix, and that it keeps trying. */
function unreachable(error: Error | undefined): { error: string; fix: string } {
  const fix = error instanceof ZkdeployError && error.fix ? `${error.fix}; ` : '';
  return {
    error: error?.message ?? 'not connected',
    fix: `${fix}the dashboard connects again every ${RECONNECT_EVERY_MS / 1000} s`,
  };
}

/** The ensemble at one moment. */
export interface DashboardState {
  at: number;
  ensemble: string;
  servers: ServerView[];
  health: { healthy: boolean; summary: string; quorumSize: number; voting: number; margin: number };
  /** The command holding this machine's lock on the inventory now (a restart, an upgrade, …). */
  operation: { command: string; pid: number; since: string | null } | null;
  /** The audit log's last commands, newest first. */
  history: { at: string; user: string; command: string; exitCode: number }[];
}

/** A chart point of one server. */
export interface Point {
  t: number;
  latency: Metric;
  outstanding: Metric;
  rps: Metric;
  znodes: Metric;
}

/** How far back the charts go. */
export const WINDOW_MS = 15 * 60 * 1000;
/** df is asked every this many samples: disk fills slowly, and each df is a command on the host. */
const DISK_EVERY = 15;
/** A host that cannot be reached is tried again this often, beside the samples (they do not wait). */
const RECONNECT_EVERY_MS = 10_000;

/**
 * Samples every server through the fleet's open SSH connections (srvr and mntr on the client port
 * as seen from the host; df now and then): nothing opened on the hosts, nothing listening for them.
 */
export class Collector {
  private readonly series = new Map<string, Point[]>();
  private readonly rates = new PacketRate();
  private readonly disks = new Map<string, DiskView | null>();
  private ticks = 0;
  /** When each host was last tried again, and whether that attempt is still under way. */
  private readonly reconnects = new Map<string, { at: number; pending: boolean }>();
  state: DashboardState | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly ensemble: string,
  ) {
    for (const host of fleet.hosts)
      if (!host.executor) this.reconnects.set(host.spec.name, { at: Date.now(), pending: false });
  }

  /** Connects to a host again in the background, at most every RECONNECT_EVERY_MS. */
  private tryAgain(host: FleetHost, now: number): void {
    const last = this.reconnects.get(host.spec.name);
    if (last && (last.pending || now - last.at < RECONNECT_EVERY_MS)) return;
    const attempt = { at: now, pending: true };
    this.reconnects.set(host.spec.name, attempt);
    void this.fleet.reconnect(host).finally(() => {
      attempt.pending = false;
    });
  }

  /** The charts' points so far, by server. */
  allSeries(): Record<string, Point[]> {
    return Object.fromEntries(this.series);
  }

  /** Takes one sample of every server; returns the state and each server's new chart point. */
  async sample(): Promise<{ state: DashboardState; points: Record<string, Point> }> {
    const { cluster } = this.fleet.inventory;
    const now = Date.now();
    const withDisk = this.ticks++ % DISK_EVERY === 0;
    const servers = await Promise.all(
      this.fleet.hosts.map(async (host): Promise<ServerView> => {
        const base = {
          name: host.spec.name,
          myid: host.spec.myid,
          observer: host.spec.observer === true,
          rps: null,
          disk: this.disks.get(host.spec.name) ?? null,
        };
        const executor = host.executor;
        if (!executor) {
          this.tryAgain(host, now);
          return { ...base, mode: 'unreachable', sample: null, ...unreachable(host.error) };
        }
        // A host just reconnected has no df yet: asked now, not 15 samples later.
        const askDisk = withDisk || !this.disks.get(host.spec.name);
        try {
          const [srvr, mntr, disk] = await withinSampleTime(
            host.spec.name,
            Promise.all([
              askFourLetterWord(executor, cluster.clientPort, 'srvr', 1500),
              askFourLetterWord(executor, cluster.clientPort, 'mntr', 1500),
              askDisk ? diskFree(executor, cluster).catch(() => undefined) : Promise.resolve(undefined),
            ]),
          );
          if (askDisk) this.disks.set(host.spec.name, diskView(disk));
          const view = { ...base, disk: this.disks.get(host.spec.name) ?? null, error: null, fix: null };
          if (!srvr.listening) return { ...view, mode: 'down', sample: null };
          const sample = sampleFrom(srvr.reply, mntr.listening ? mntr.reply : undefined);
          return {
            ...view,
            mode: sample.mode,
            sample,
            rps: this.rates.of(host.spec.name, sample.received, now),
          };
        } catch (err: unknown) {
          // The connection is gone (the host went down, a network cut): connected again next sample.
          host.error = err instanceof Error ? err : new Error(String(err));
          host.executor = undefined;
          executor.session.close();
          return { ...base, mode: 'unreachable', sample: null, ...unreachable(host.error) };
        }
      }),
    );
    const points: Record<string, Point> = {};
    for (const server of servers) {
      const point = {
        t: now,
        latency: server.sample?.latency.avg ?? null,
        outstanding: server.sample?.outstanding ?? null,
        rps: server.rps,
        znodes: server.sample?.znodes ?? null,
      };
      points[server.name] = point;
      const kept = (this.series.get(server.name) ?? []).filter((p) => p.t >= now - WINDOW_MS);
      kept.push(point);
      this.series.set(server.name, kept);
    }
    const judged = judgeHealth(servers.map((s) => s.mode));
    const voting = servers.filter((s) => !s.observer).length;
    const votersIn = servers.filter(
      (s) => !s.observer && (s.mode === 'leader' || s.mode === 'follower'),
    ).length;
    const holder = lockHolder(this.fleet.inventory.path);
    this.state = {
      at: now,
      ensemble: this.ensemble,
      servers,
      health: {
        healthy: judged.healthy,
        summary: judged.summary,
        quorumSize: judged.quorumSize,
        voting,
        // How many more voters may fail before the quorum is lost; below zero: lost already.
        margin: servers.some((s) => s.mode === 'leader') ? votersIn - judged.quorumSize : -1,
      },
      operation: holder ? { command: holder.command, pid: holder.pid, since: holder.since ?? null } : null,
      history: readHistory(this.fleet.inventory.path)
        .slice(-8)
        .reverse()
        .map((r) => ({ at: r.at, user: r.user, command: r.command, exitCode: r.exitCode })),
    };
    return { state: this.state, points };
  }
}
