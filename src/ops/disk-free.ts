import type { ClusterSettings } from '../inventory/types.js';
import { shellPath } from '../remote/quote.js';
import type { HostExecutor } from '../run/executor.js';

/** Free space of the file system the data (or the transaction logs, if fuller) live on. */
export interface DiskFree {
  freeKiB: number;
  sizeKiB: number;
  mount: string;
}

/** Below this, status warns: ZooKeeper stops serving when it cannot write its log. */
export const LOW_DISK = { fraction: 0.1, kib: 1024 * 1024 };

export const diskIsLow = (disk: DiskFree) =>
  disk.freeKiB < LOW_DISK.kib || disk.freeKiB < disk.sizeKiB * LOW_DISK.fraction;

/** Parses `df -Pk` lines: the file system with the least room. */
export function parseDf(output: string): DiskFree | undefined {
  return output
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 6 && /^\d+$/.test(f[1] ?? '') && /^\d+$/.test(f[3] ?? ''))
    .map((f) => ({ sizeKiB: Number(f[1]), freeKiB: Number(f[3]), mount: f.slice(5).join(' ') }))
    .sort((a, b) => a.freeKiB - b.freeKiB)[0];
}

/** The read-only `df` of dataDir and dataLogDir, for parseDf. */
export function diskFreeCommand(cluster: ClusterSettings): string {
  const dirs = [cluster.dataDir, cluster.dataLogDir].map((d) => shellPath(d)).join(' ');
  return `df -Pk -- ${dirs} 2>/dev/null`;
}

/** One read-only `df` on the host, of dataDir and dataLogDir. */
export async function diskFree(
  executor: HostExecutor,
  cluster: ClusterSettings,
): Promise<DiskFree | undefined> {
  return parseDf((await executor.probe(diskFreeCommand(cluster))).stdout);
}

/** "12G", "3.4G", "512M", "0.6M": a size as status and the dashboard show it (a small disk is not "0.0G"). */
function formatKiB(kib: number): string {
  const [value, unit] = kib >= 1048576 ? [kib / 1048576, 'G'] : [kib / 1024, 'M'];
  return `${value.toFixed(value < 10 ? 1 : 0)}${unit}`;
}

/** "12G of 40G": how status and the dashboard show a data disk's room. */
export function formatDiskFree(disk: DiskFree): string {
  return `${formatKiB(disk.freeKiB)} of ${formatKiB(disk.sizeKiB)}`;
}
