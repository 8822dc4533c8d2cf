import { HostError } from '../errors.js';
import { collectStatus } from '../ops/ensemble-status.js';
import { waitUntilServing } from '../ops/lifecycle.js';
import { waitForSync } from '../ops/rolling.js';
import { clearSwapMarks, startSwapped, stopForSwap } from '../ops/swap-marker.js';
import { absoluteRemotePath } from '../remote/paths.js';
import type { Fleet } from '../run/fleet.js';
import { archivePath } from '../upgrade/archive.js';
import type { UpgradeFacts } from '../upgrade/host-state.js';
import { dataZxid, probeUpgrade } from '../upgrade/roll.js';
import type { ZnodeTree } from '../zk/data-tree.js';
import type { Manifest } from './manifest.js';
import { dataDirs, proveTree, stageBackup } from './restore-steps.js';
import { swapInCommand } from './seed.js';

/** A backup to restore: its directory, the label its stamps carry, what it says it holds, its tree. */
export interface RestoreSource {
  dir: string;
  label: string;
  manifest: Manifest;
  tree: ZnodeTree;
}

/**
 * The restore itself, once its preflight passed: the backup staged beside each server's data while
 * it still serves; every host marked and every server stopped; each one's data and log directories
 * swapped for the staged ones (what was there moved aside, stamped); every server started on them;
 * the marks cleared; then the result proven on every server against the backup's tree. Returns
 * each server's proof; a host that fails is marked on the fleet and the rest of the phase is not run.
 */
export async function applyRestore(
  fleet: Fleet,
  source: RestoreSource,
  facts: Map<string, UpgradeFacts>,
  timeout: number,
): Promise<string[]> {
  const { cluster } = fleet.inventory;
  const { dir: backupDir, label: backupLabel, manifest, tree } = source;
  const proofs: string[] = [];
  const home = (name: string) => facts.get(name)?.home ?? '';
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    await fleet.runStep(host, 'stage', 'stage the backup', async () => {
      await stageBackup(executor, backupDir, manifest, dataDirs(cluster, home(host.spec.name)));
      return { outcome: 'changed', detail: `${manifest.files.length} files beside the data` };
    });
  });
  // From the first stop until every server runs the backup's data, `start` refuses and this
  // command is the way on.
  if (fleet.failed.length === 0)
    await stopForSwap(fleet, timeout, {
      what: `restore of zxid ${manifest.zxid} from ${backupLabel}`,
      rerun: `zkdeploy restore ${backupDir}`,
    });
  if (fleet.failed.length === 0) {
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      await fleet.runStep(host, 'restore', 'restore', async () => {
        const now = await dataZxid(executor, cluster, await probeUpgrade(executor, cluster));
        const stamp = `set aside by a restore of zxid ${manifest.zxid} from ${backupLabel}; zxid ${now}; ${new Date().toISOString()}`;
        const asides: string[] = [];
        for (const { dir, files } of dataDirs(cluster, home(host.spec.name))) {
          const result = await executor.run(
            swapInCommand(dir, archivePath(dir, now), stamp, files !== 'log'),
            `restoring ${dir}`,
          );
          asides.push(result.stdout.trim());
        }
        return {
          outcome: 'changed',
          detail: `zxid ${manifest.zxid} in place; what was there is kept as ${asides.join(', ')}`,
        };
      });
    });
  }
  if (fleet.failed.length === 0) {
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      await fleet.runStep(host, 'start', 'start', async () => {
        const found = facts.get(host.spec.name) as UpgradeFacts;
        await startSwapped(executor, cluster, absoluteRemotePath(found.zookeeperHome, found.home));
        return {
          outcome: 'changed',
          detail: `started, ${await waitUntilServing(executor, cluster, timeout)}`,
        };
      });
    });
  }
  // Every server runs the backup's data: the swap is done, whatever the proof says next.
  if (fleet.failed.length === 0) await clearSwapMarks(fleet);
  if (fleet.failed.length === 0) {
    await waitForSync(fleet, Date.now() + timeout * 1000);
    const after = await collectStatus(fleet, { service: false });
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      await fleet.runStep(host, 'prove', 'prove', async () => {
        const zxid = after.find((r) => r.name === host.spec.name)?.zxid ?? '0x0';
        if (BigInt(zxid) < BigInt(manifest.zxid)) {
          throw new HostError(
            host.spec.name,
            `zxid ${zxid}, below the backup's ${manifest.zxid}`,
            'look at the server log (zkdeploy logs)',
          );
        }
        const proof = `zxid ${zxid} ≥ ${manifest.zxid}; ${await proveTree(executor, cluster.clientPort, tree)}`;
        proofs.push(`  ${host.spec.name}: ${proof}`);
        return { outcome: 'unchanged', detail: proof };
      });
    });
  }
  return proofs;
}
