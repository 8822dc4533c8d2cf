import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { comparedCount } from '../backup/compare.js';
import { readManifest } from '../backup/manifest.js';
import { restorePreflight } from '../backup/restore-preflight.js';
import { dataDirs, proveTree, stageBackup } from '../backup/restore-steps.js';
import { swapInCommand } from '../backup/seed.js';
import { readBackup } from '../backup/tree-of.js';
import { HostError, InputError } from '../errors.js';
import { collectStatus } from '../ops/ensemble-status.js';
import { waitUntilServing } from '../ops/lifecycle.js';
import { waitForSync } from '../ops/rolling.js';
import { clearSwapMarks, startSwapped, stopForSwap } from '../ops/swap-marker.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { Fleet } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { startedStatus } from '../ui/status-view.js';
import { stepSummary } from '../ui/summary.js';
import { archivePath } from '../upgrade/archive.js';
import type { UpgradeFacts } from '../upgrade/host-state.js';
import { dataZxid, probeEnsemble, probeUpgrade } from '../upgrade/roll.js';

import {
  confirmTyped,
  explainInterrupt,
  finish,
  type HostOptions,
  lockedContext,
  refuse,
  refuseHostsOption,
  swapRefusals,
} from './common.js';

export interface RestoreOptions extends HostOptions {
  backup: string;
  yes?: boolean;
  timeout?: number;
}

/**
 * Restores a backup into the inventory's ensemble (the one it was taken of, or another: other
 * hosts, a newer release). The backup is checked first; then, after a confirmation, its files are
 * staged beside each server's data while it still serves; every server stops; each one's data and
 * transaction-log directories are moved aside (kept, stamped) and the staged ones put in their
 * place with the server's own myid; all start; and the result is proven on every server.
 */
export async function restore(options: RestoreOptions): Promise<number> {
  refuseHostsOption('restore', options.hosts);
  const backupDir = resolve(options.backup);
  if (!statSync(backupDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`${backupDir}: no such directory`, 'name a directory zkdeploy backup wrote');
  }
  const manifest = readManifest(backupDir);
  // What the stamp on a host says of the backup: its directory's name, reduced to plain characters.
  const backupLabel = basename(backupDir).replace(/[^\w.-]/g, '_');
  const tree = readBackup(backupDir, manifest);
  const { inventory, fleet: settings } = lockedContext('restore', options);
  const { cluster } = inventory;
  const timeout = options.timeout ?? 120;
  const fleet = await Fleet.open(inventory, settings);
  let status = '';
  const proofs: string[] = [];
  const unregister = explainInterrupt('restore');
  try {
    const { rows, facts } = await probeEnsemble(fleet);
    const refusals = restorePreflight(
      cluster,
      manifest,
      fleet.hosts.map((host) => ({
        name: host.spec.name,
        facts: host.executor ? facts.get(host.spec.name) : undefined,
        error: host.error?.message,
        runningVersion: rows.find((r) => r.name === host.spec.name)?.version,
      })),
    );
    // Every server stops later: whatever would stop the swap halfway is found while they serve.
    refusals.push(...(await swapRefusals(fleet, facts, 'restore')));
    if (refusals.length > 0) refuse('restore', refusals);
    process.stdout.write(
      `restore ${backupDir}\n` +
        `  backup of ${manifest.ensemble} from ${manifest.host} (${manifest.release}), zxid ${manifest.zxid}, taken ${manifest.takenAt}: ${comparedCount(tree.persistent())} znodes, ${tree.ephemeralCount()} ephemeral\n` +
        `  onto ${fleet.hosts.map((h) => h.spec.name).join(', ')} (${inventory.path}): every server stops; its data directories are moved aside (kept) and seeded with the backup, its own myid kept; then all start\n`,
    );
    await confirmTyped(options, {
      word: 'restore',
      question: `stop every server and restore zxid ${manifest.zxid}`,
      what: 'restore stops every server and replaces its data (moved aside)',
      fix: 'add --yes if that is what you want',
    });
    if (options.dryRun) {
      for (const host of fleet.hosts)
        fleet.record(host, {
          id: 'restore',
          title: 'restore',
          outcome: 'changed',
          detail: `would restore zxid ${manifest.zxid}`,
        });
      process.stdout.write(stepSummary('restore', fleet));
      return finish('restore', fleet);
    }
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
    status = await startedStatus(fleet);
  } finally {
    unregister();
    await fleet.close();
  }
  process.stdout.write(stepSummary('restore', fleet));
  if (proofs.length > 0) process.stdout.write(`\n${color.bold('proof:')}\n${proofs.sort().join('\n')}\n`);
  process.stdout.write(status);
  if (fleet.failed.length === 0 && tree.ephemeralCount() > 0) {
    const longest = Math.max(0, ...[...tree.sessions.values()]);
    process.stdout.write(
      `${color.yellow(`${tree.ephemeralCount()} ephemeral znodes came back with their sessions; ZooKeeper removes them when those sessions expire (within ${Math.ceil(longest / 1000)}s) unless their clients reconnect`)}\n`,
    );
  }
  return finish('restore', fleet);
}
