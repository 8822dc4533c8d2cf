import { statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { comparedCount, treeDifferences } from '../backup/compare.js';
import { gzSha256, type Manifest, readManifest, storedPath } from '../backup/manifest.js';
import { nestedDirs, stageCommand, swapInCommand, unpackCommand } from '../backup/seed.js';
import { readBackup } from '../backup/tree-of.js';
import { walkTree } from '../backup/walk.js';
import { HostError, InputError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import { startServer, stopServer, waitUntilServing } from '../ops/lifecycle.js';
import { waitForSync } from '../ops/rolling.js';
import { absoluteRemotePath } from '../remote/paths.js';
import type { HostExecutor } from '../run/executor.js';
import { Fleet, type FleetHost } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { startedStatus } from '../ui/status-view.js';
import { stepSummary } from '../ui/summary.js';
import { archivePath } from '../upgrade/archive.js';
import type { UpgradeFacts } from '../upgrade/host-state.js';
import type { Refusal } from '../upgrade/preflight.js';
import { dataZxid, probeUpgrade } from '../upgrade/roll.js';
import { ZkSession } from '../zk/client.js';
import type { ZnodeTree } from '../zk/data-tree.js';
import { versionParts } from '../zk/release.js';
import { openTunnel } from '../zk/tunnel.js';
import {
  confirmTyped,
  explainInterrupt,
  finish,
  type HostOptions,
  lockedContext,
  refuse,
  refuseHostsOption,
} from './common.js';

export interface RestoreOptions extends HostOptions {
  backup: string;
  yes?: boolean;
  timeout?: number;
}

/** The release a host is set up to run, from its ZOOKEEPER_HOME's name (zookeeper-3.4.9, apache-zookeeper-3.8.0-bin). */
const releaseOf = (facts: UpgradeFacts, status: HostStatus | undefined) =>
  /(\d+\.\d+\.\d+)/.exec(posix.basename(facts.zookeeperHome))?.[1] ?? status?.version;

const minor = (version: string) => versionParts(version).slice(0, 2);
const olderMinor = (a: string, b: string) => {
  const [x, y] = [minor(a), minor(b)];
  return (x[0] ?? 0) < (y[0] ?? 0) || ((x[0] ?? 0) === (y[0] ?? 0) && (x[1] ?? 0) < (y[1] ?? 0));
};

/** Everything that must hold before a restore stops anything; each failure names the host and the fix. */
function preflight(
  fleet: Fleet,
  manifest: Manifest,
  facts: Map<string, UpgradeFacts>,
  rows: HostStatus[],
): Refusal[] {
  const refusals: Refusal[] = [];
  const bytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
  for (const host of fleet.hosts) {
    const name = host.spec.name;
    const found = facts.get(name);
    if (!host.executor || !found) {
      refusals.push({
        host: name,
        message: host.error?.message ?? 'not reached',
        fix: 'reach every host first',
      });
      continue;
    }
    const release = releaseOf(
      found,
      rows.find((r) => r.name === name),
    );
    if (!found.zookeeperHome || !release) {
      refusals.push({
        host: name,
        message: 'no ZooKeeper installed by zkdeploy',
        fix: 'zkdeploy install first',
      });
    } else if (olderMinor(release, manifest.release)) {
      refusals.push({
        host: name,
        message: `runs ${release}, older than the backup's ${manifest.release}: it may not read its files`,
        fix: `restore into ${minor(manifest.release).join('.')} or later (zkdeploy upgrade first)`,
      });
    }
    const [data, logs] = [found.home, found.home].map((home, i) =>
      absoluteRemotePath(
        i === 0 ? fleet.inventory.cluster.dataDir : fleet.inventory.cluster.dataLogDir,
        home,
      ),
    ) as [string, string];
    if (nestedDirs(data, logs)) {
      refusals.push({
        host: name,
        message: `dataLogDir ${logs} and dataDir ${data}: one lies inside the other, and a restore moves each aside whole`,
        fix: 'give zookeeper.dataDir and zookeeper.dataLogDir directories side by side (the defaults: ~/zookeeper/data, ~/zookeeper/logs)',
        badInput: true,
      });
    }
    if (found.freeKiB * 1024 < bytes) {
      refusals.push({
        host: name,
        message: `${Math.round(found.freeKiB / 1024)} MiB free beside the data, the backup needs ${Math.ceil(bytes / 1048576)} MiB`,
        fix: 'free space on the data disk',
      });
    }
  }
  return refusals;
}

/** The directories a host's data lives in: dataDir (with myid) and dataLogDir when it is another. */
function dataDirs(
  cluster: ClusterSettings,
  home: string,
): { dir: string; files: 'snapshot' | 'log' | 'both' }[] {
  const data = absoluteRemotePath(cluster.dataDir, home);
  const logs = absoluteRemotePath(cluster.dataLogDir, home);
  return data === logs
    ? [{ dir: data, files: 'both' }]
    : [
        { dir: data, files: 'snapshot' },
        { dir: logs, files: 'log' },
      ];
}

/** Uploads the backup's files next to a host's data directories and unpacks them there; the server keeps running. */
async function stage(
  executor: HostExecutor,
  backupDir: string,
  manifest: Manifest,
  dirs: ReturnType<typeof dataDirs>,
) {
  for (const { dir, files } of dirs) {
    await executor.run(stageCommand(dir), `staging beside ${dir}`);
    const mine = manifest.files.filter((f) => files === 'both' || f.name.startsWith(`${files}.`));
    for (const file of mine) {
      const local = storedPath(backupDir, file);
      await executor.apply({
        kind: 'upload',
        localPath: local,
        remotePath: posix.join(`${dir}.zkdeploy-restore`, 'version-2', `${file.name}.gz`),
        sha256: gzSha256(local),
      });
      await executor.run(unpackCommand(dir, file.name, file.sha256), `unpacking ${file.name}`);
    }
  }
}

/** Proves a restored server: its zxid at least the backup's, its persistent znodes the backup's. */
async function prove(host: FleetHost, clientPort: number, tree: ZnodeTree): Promise<string> {
  const executor = host.executor as HostExecutor;
  const tunnel = await openTunnel(executor.session, clientPort);
  let session: ZkSession | undefined;
  try {
    session = await ZkSession.open(`127.0.0.1:${tunnel.port}`, 10000);
    const { nodes, unreadable } = await walkTree(session);
    const differences = treeDifferences(tree.persistent(), nodes);
    if (differences.length > 0) {
      throw new HostError(
        host.spec.name,
        `its znodes differ from the backup's (${differences.length}):\n    ${differences.slice(0, 10).join('\n    ')}`,
        'a client may have written since the restore started; else look at the server log (zkdeploy logs)',
      );
    }
    return `${comparedCount(tree.persistent())} znodes as in the backup${unreadable.length ? ` (${unreadable.length} compared by stat: no READ for an unauthenticated client)` : ''}`;
  } finally {
    session?.close();
    await tunnel.close();
  }
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
  const tree = readBackup(backupDir, manifest);
  const { inventory, fleet: settings } = lockedContext('restore', options);
  const { cluster } = inventory;
  const timeout = options.timeout ?? 120;
  const fleet = await Fleet.open(inventory, settings);
  let status = '';
  const proofs: string[] = [];
  const unregister = explainInterrupt('restore');
  try {
    const facts = new Map<string, UpgradeFacts>();
    const [rows] = await Promise.all([
      collectStatus(fleet),
      fleet.eachHostMarkingFailures(async (host, executor) => {
        facts.set(host.spec.name, await probeUpgrade(executor, cluster));
      }),
    ]);
    const refusals = preflight(fleet, manifest, facts, rows);
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
      process.stdout.write(stepSummary('restore --dry-run', fleet));
      return finish('restore', fleet, true);
    }
    const home = (name: string) => facts.get(name)?.home ?? '';
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      await fleet.runStep(host, 'stage', 'stage the backup', async () => {
        await stage(executor, backupDir, manifest, dataDirs(cluster, home(host.spec.name)));
        return { outcome: 'changed', detail: `${manifest.files.length} files beside the data` };
      });
    });
    if (fleet.failed.length === 0) {
      await fleet.eachHostMarkingFailures(async (host, executor) => {
        await fleet.runStep(host, 'stop', 'stop', async () => {
          const zkHome = absoluteRemotePath(
            facts.get(host.spec.name)?.zookeeperHome ?? '',
            home(host.spec.name),
          );
          const stopped = await stopServer(executor, cluster, zkHome, timeout);
          return { outcome: stopped ? 'changed' : 'unchanged', detail: stopped ? 'stopped' : 'not running' };
        });
      });
    }
    if (fleet.failed.length === 0) {
      await fleet.eachHostMarkingFailures(async (host, executor) => {
        await fleet.runStep(host, 'restore', 'restore', async () => {
          const now = await dataZxid(executor, cluster, await probeUpgrade(executor, cluster));
          const stamp = `set aside by a restore of zxid ${manifest.zxid} from ${backupDir}; zxid ${now}; ${new Date().toISOString()}`;
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
          await startServer(executor, cluster, absoluteRemotePath(found.zookeeperHome, found.home));
          return {
            outcome: 'changed',
            detail: `started, ${await waitUntilServing(executor, cluster, timeout)}`,
          };
        });
      });
    }
    if (fleet.failed.length === 0) {
      await waitForSync(fleet, Date.now() + timeout * 1000);
      const after = await collectStatus(fleet);
      await fleet.eachHostMarkingFailures(async (host) => {
        await fleet.runStep(host, 'prove', 'prove', async () => {
          const zxid = after.find((r) => r.name === host.spec.name)?.zxid ?? '0x0';
          if (BigInt(zxid) < BigInt(manifest.zxid)) {
            throw new HostError(
              host.spec.name,
              `zxid ${zxid}, below the backup's ${manifest.zxid}`,
              'look at the server log (zkdeploy logs)',
            );
          }
          const proof = `zxid ${zxid} ≥ ${manifest.zxid}; ${await prove(host, cluster.clientPort, tree)}`;
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
  return finish('restore', fleet, false);
}
