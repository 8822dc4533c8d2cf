import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pruneBackups } from '../backup/prune.js';
import { type Candidate, chooseSource, takeBackup } from '../backup/take.js';
import { ExitCode, UsageError } from '../errors.js';
import { ensembleName } from '../inventory/memory.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { Fleet } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { probeEnsemble } from '../upgrade/roll.js';
import { type HostOptions, readContext, refuse, refuseHostsOption } from './common.js';

export interface BackupOptions extends HostOptions {
  output?: string;
  keep?: number;
}

/** Where backups go without -o: beside where the command runs. */
export const DEFAULT_BACKUP_DIR = 'zkdeploy-backups';

/**
 * Backs the ensemble up while it serves: from the serving server with the highest zxid that has a
 * snapshot, its newest snapshot and the transaction logs after it, streamed to this machine with a
 * manifest (zxid, release, files, sizes, sha256); `--keep N` then prunes older backups.
 */
export async function backup(options: BackupOptions): Promise<number> {
  refuseHostsOption('backup', options.hosts);
  if (options.keep !== undefined && !(Number.isInteger(options.keep) && options.keep >= 1)) {
    throw new UsageError(`--keep ${options.keep}: not a whole number of backups`, 'pass --keep 1 or more');
  }
  const { inventory, fleet: settings } = readContext(options);
  const { cluster } = inventory;
  const outDir = resolve(options.output ?? DEFAULT_BACKUP_DIR);
  const ensemble = ensembleName(inventory.path);
  const fleet = await Fleet.open(inventory, settings);
  try {
    const { rows, facts } = await probeEnsemble(fleet);
    const candidates: Candidate[] = rows.flatMap((status) => {
      const found = facts.get(status.name);
      return found ? [{ status, snapshots: found.snapshots, logs: found.logs }] : [];
    });
    const source = chooseSource(candidates);
    const host = fleet.hosts.find((h) => h.spec.name === source?.status.name);
    if (!source || !host?.executor) {
      refuse('backup', [
        {
          message: 'no serving server has a snapshot to start a backup from',
          fix: 'start the ensemble (zkdeploy start); a server writes a snapshot when it starts following, or every snapCount transactions',
        },
      ]);
    }
    const home = facts.get(host.spec.name)?.home ?? '';
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    let taken: Awaited<ReturnType<typeof takeBackup>> | undefined;
    await fleet.runStep(host, 'backup', 'backup', async () => {
      taken = await takeBackup({
        executor: host.executor as NonNullable<typeof host.executor>,
        source,
        dataDir: absoluteRemotePath(cluster.dataDir, home),
        dataLogDir: absoluteRemotePath(cluster.dataLogDir, home),
        ensemble,
        inventory: inventory.path,
        outDir,
      });
      return { outcome: 'changed', detail: `zxid ${taken.manifest.zxid} into ${taken.dir}` };
    });
    if (!taken) return ExitCode.failed;
    const { dir, manifest } = taken;
    const bytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
    process.stdout.write(
      `${color.green(`backup: ${dir}`)}\n` +
        `  from ${manifest.host} (${manifest.release}), zxid ${manifest.zxid}: ${manifest.znodes} znodes` +
        ` (${manifest.ephemeral} ephemeral), snapshot ${manifest.snapshotZxid} and ${manifest.files.length - 1} transaction log(s), ${(bytes / 1048576).toFixed(1)} MiB before gzip\n`,
    );
    if (options.keep !== undefined) {
      const pruned = pruneBackups(outDir, ensemble, options.keep);
      for (const d of pruned.removed) process.stdout.write(`  removed older backup ${d}\n`);
      for (const d of pruned.kept)
        process.stdout.write(color.yellow(`  ${d}: its backup files removed; other files in it kept\n`));
    }
    return ExitCode.ok;
  } finally {
    await fleet.close();
  }
}
