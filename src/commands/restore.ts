import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { comparedCount } from '../backup/compare.js';
import { readManifest } from '../backup/manifest.js';
import { applyRestore } from '../backup/restore-apply.js';
import { restorePreflight } from '../backup/restore-preflight.js';
import { readBackup } from '../backup/tree-of.js';
import { InputError } from '../errors.js';
import { Fleet } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { startedStatus } from '../ui/status-view.js';
import { stepSummary } from '../ui/summary.js';
import { probeEnsemble } from '../upgrade/roll.js';

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
    proofs.push(
      ...(await applyRestore(fleet, { dir: backupDir, label: backupLabel, manifest, tree }, facts, timeout)),
    );
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
