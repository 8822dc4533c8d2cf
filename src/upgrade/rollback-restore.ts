import { waitUntilServing } from '../ops/lifecycle.js';
import { waitForSync } from '../ops/rolling.js';
import { clearSwapMarks, startSwapped, stopForSwap } from '../ops/swap-marker.js';
import { hostPaths } from '../plan/probe.js';
import { absoluteRemotePath } from '../remote/paths.js';
import type { HostExecutor } from '../run/executor.js';
import type { Fleet } from '../run/fleet.js';
import { unreadableTypes } from '../zk/release.js';
import { archivePath, restoreCommand } from './archive.js';
import type { UpgradeFacts, UpgradeRecord } from './host-state.js';
import { dataZxid, probeUpgrade, switchTo } from './roll.js';
import { lastZxid, logsAfter, readLogs } from './txn-logs.js';

/** What the data written since the upgrade holds, on one host: how much, and what the old release cannot load. */
export interface SinceUpgrade {
  host: string;
  transactions: number;
  lastZxid: bigint;
  unreadable: Map<string, number>;
}

export async function scanSinceUpgrade(
  executor: HostExecutor,
  host: string,
  dataLogDir: string,
  facts: UpgradeFacts,
  record: UpgradeRecord,
): Promise<SinceUpgrade> {
  const since = BigInt(record.zxid);
  const records = (await readLogs(executor, dataLogDir, logsAfter(facts.logs, since))).filter(
    (r) => r.zxid > since,
  );
  return {
    host,
    transactions: records.length,
    lastZxid: records.length > 0 ? lastZxid(records, []) : since,
    unreadable: unreadableTypes(records, record.fromVersion),
  };
}

/**
 * Every server at once: stopped, its data directories put back from the upgrade's archives (what is
 * there now is moved aside, never deleted), switched to the old release, and started.
 */
export async function restoreAll(fleet: Fleet, record: UpgradeRecord, timeout: number): Promise<void> {
  const { cluster } = fleet.inventory;
  const paths = hostPaths(cluster, `${record.from}.tar.gz`, record.from);
  // Until every server runs the archived data, `start` refuses and rollback is the way on.
  const stopped = await stopForSwap(fleet, timeout, {
    what: `rollback restoring zxid ${record.zxid}'s archives`,
    rerun: 'zkdeploy rollback --yes',
  });
  // A server that would not stop keeps its data: the others keep theirs too, never a mix.
  if (!stopped) return;
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    await fleet.runStep(host, 'restore', 'restore the archived data', async () => {
      const facts = await probeUpgrade(executor, cluster);
      const own = facts.record as UpgradeRecord;
      const now = await dataZxid(executor, cluster, facts);
      const dataDir = absoluteRemotePath(cluster.dataDir, facts.home);
      if (now === own.zxid) {
        // Nothing was written here since the archive: the data is the archive's already.
        await switchTo(fleet, host, executor, paths);
        return { outcome: 'changed', detail: `data at zxid ${now}, as archived: kept; switched` };
      }
      const logDir = absoluteRemotePath(cluster.dataLogDir, facts.home);
      const stamp = `set aside by a rollback that restored zxid ${own.zxid}; zxid ${now}; ${new Date().toISOString()}`;
      await executor.run(
        restoreCommand(dataDir, own.dataArchive, archivePath(dataDir, now), stamp),
        `restoring ${dataDir}`,
      );
      if (logDir !== dataDir)
        await executor.run(
          restoreCommand(logDir, own.logArchive, archivePath(logDir, now), stamp),
          `restoring ${logDir}`,
        );
      await switchTo(fleet, host, executor, paths);
      return {
        outcome: 'changed',
        detail: `data of zxid ${own.zxid} restored; what was there is kept as ${archivePath(dataDir, now)}`,
      };
    });
  });
  if (fleet.failed.length > 0) return;
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    await fleet.runStep(host, 'start', `start ${record.from}`, async () => {
      await startSwapped(
        executor,
        cluster,
        absoluteRemotePath(paths.release, (await probeUpgrade(executor, cluster)).home),
      );
      return { outcome: 'changed', detail: `started, ${await waitUntilServing(executor, cluster, timeout)}` };
    });
  });
  // Every server runs the archived data: the swap is done, whatever the sync says next.
  if (fleet.failed.length === 0) await clearSwapMarks(fleet);
  if (fleet.failed.length === 0) await waitForSync(fleet, Date.now() + timeout * 1000);
}
