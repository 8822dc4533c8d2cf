import { ZkdeployError } from '../errors.js';
import type { Fleet } from '../run/fleet.js';
import type { HostMode } from '../zk/health.js';
import { parseSrvr } from '../zk/srvr.js';
import type { DiskFree } from './disk-free.js';
import { askFourLetterWord } from './four-letter.js';
import { runsUnderSystemd } from './lifecycle.js';

/** One host's row in status. */
export interface HostStatus {
  name: string;
  myid: number;
  mode: HostMode | string;
  zxid?: string | undefined;
  connections?: number | undefined;
  version?: string | undefined;
  build?: string | undefined;
  latency?: string | undefined;
  /** How the server runs: under zkdeploy's systemd unit, or started by zkServer.sh (absent: down). */
  service?: 'systemd' | 'zkServer.sh' | undefined;
  error?: string | undefined;
  /** Room on the data directories' file system (status only: one df per host). */
  disk?: DiskFree | undefined;
  /** What to do about the error, when zkdeploy knows. */
  fix?: string | undefined;
}

/** How a server runs, as status shows it: under zkdeploy's unit, by zkServer.sh, or not at all. */
export const serviceOf = (underSystemd: boolean, listening: boolean): HostStatus['service'] =>
  underSystemd ? 'systemd' : listening ? 'zkServer.sh' : undefined;

/**
 * Asks every connected host's server for `srvr` through the open SSH connections (no JVM per host).
 * `service: false` leaves out how each server runs (a remote command per host): for the loops that
 * only wait on modes, ten times a second.
 */
export async function collectStatus(
  fleet: Fleet,
  { service = true }: { service?: boolean } = {},
): Promise<HostStatus[]> {
  const port = fleet.inventory.cluster.clientPort;
  const rows = new Map<string, HostStatus>();
  for (const host of fleet.hosts) {
    rows.set(host.spec.name, {
      name: host.spec.name,
      myid: host.spec.myid,
      mode: 'unreachable',
      error: host.executor ? undefined : host.error?.message,
      fix: host.executor || !(host.error instanceof ZkdeployError) ? undefined : host.error.fix,
    });
  }
  await Promise.all(
    fleet.hosts.map(async (host) => {
      const row = rows.get(host.spec.name);
      if (!host.executor || !row) return;
      const [answer, underSystemd] = await Promise.all([
        askFourLetterWord(host.executor, port, 'srvr'),
        service ? runsUnderSystemd(host.executor) : undefined,
      ]);
      if (underSystemd !== undefined) row.service = serviceOf(underSystemd, answer.listening);
      if (!answer.listening) {
        row.mode = 'down';
        return;
      }
      const report = parseSrvr(answer.reply);
      Object.assign(row, {
        mode: report.mode ?? 'not-serving',
        zxid: report.zxid,
        connections: report.connections,
        version: report.version,
        build: report.build,
        latency: report.latency,
      });
    }),
  );
  return fleet.hosts.map((h) => rows.get(h.spec.name) as HostStatus);
}
