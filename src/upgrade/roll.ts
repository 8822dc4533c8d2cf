import { setTimeout as sleep } from 'node:timers/promises';
import { HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import { servingMode, startServer, stopServer, waitUntilServing } from '../ops/lifecycle.js';
import { waitForSync } from '../ops/rolling.js';
import { findZookeeperHome, serverAlive } from '../ops/server-host.js';
import { planSwitch } from '../plan/install-plan.js';
import type { HostPaths } from '../plan/probe.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { shellPath } from '../remote/quote.js';
import { checkedHostPath } from '../remote/safe-values.js';
import { renderZooCfg } from '../render/zoo-cfg.js';
import type { HostExecutor } from '../run/executor.js';
import type { Fleet, FleetHost } from '../run/fleet.js';
import { probeHost } from '../run/plan-host.js';
import { is35OrLater } from '../zk/release.js';
import { hexZxid } from '../zk/txn-log.js';
import { archiveCommand, archivePath } from './archive.js';
import {
  formatRecord,
  parseUpgradeProbe,
  recordPath,
  type UpgradeFacts,
  upgradeProbeScript,
} from './host-state.js';
import { byZxid, lastZxid, readLogs } from './txn-logs.js';

export const TRUST_EMPTY = 'snapshot.trust.empty';

/** The upgrade probe on one host (read-only), its home checked before it is used in a path. */
export async function probeUpgrade(executor: HostExecutor, cluster: ClusterSettings): Promise<UpgradeFacts> {
  const facts = parseUpgradeProbe((await executor.probe(upgradeProbeScript(cluster))).stdout);
  checkedHostPath(executor.host, facts.home, '$HOME', 'deploy as a user whose home is a plain path');
  return facts;
}

/**
 * What a command that works on the servers' data reads first, in one round: every server's status
 * and every host's upgrade facts (release, record, data files, room), by host name.
 */
export async function probeEnsemble(
  fleet: Fleet,
): Promise<{ rows: HostStatus[]; facts: Map<string, UpgradeFacts> }> {
  const facts = new Map<string, UpgradeFacts>();
  const [rows] = await Promise.all([
    collectStatus(fleet, { service: false }),
    fleet.eachHostMarkingFailures(async (host, executor) => {
      facts.set(host.spec.name, await probeUpgrade(executor, fleet.inventory.cluster));
    }),
  ]);
  return { rows, facts };
}

/** The last zxid of a stopped server's data: its newest logged transaction, else its newest snapshot. */
export async function dataZxid(executor: HostExecutor, cluster: ClusterSettings, facts: UpgradeFacts) {
  const newest = byZxid(facts.logs).slice(-2);
  return hexZxid(lastZxid(await readLogs(executor, cluster.dataLogDir, newest), facts.snapshots));
}

/** Archives a stopped server's data and transaction logs beside them, named with the zxid they hold up to. */
export async function archiveData(
  executor: HostExecutor,
  cluster: ClusterSettings,
  facts: UpgradeFacts,
  why: string,
): Promise<{ zxid: string; dataArchive: string; logArchive: string; kept: boolean }> {
  const zxid = await dataZxid(executor, cluster, facts);
  const dataDir = absoluteRemotePath(cluster.dataDir, facts.home);
  const logDir = absoluteRemotePath(cluster.dataLogDir, facts.home);
  const stamp = `${why}; zxid ${zxid}; ${new Date().toISOString()}`;
  const dataArchive = archivePath(dataDir, zxid);
  const data = await executor.run(archiveCommand(dataDir, dataArchive, stamp), `archiving ${dataDir}`);
  let logArchive = dataArchive;
  if (logDir !== dataDir) {
    logArchive = archivePath(logDir, zxid);
    await executor.run(archiveCommand(logDir, logArchive, stamp), `archiving ${logDir}`);
  }
  return { zxid, dataArchive, logArchive, kept: data.stdout.trim() === 'kept' };
}

/** Applies the steps that make a host run the release at `paths` at its next start. */
export async function switchTo(
  fleet: Fleet,
  host: FleetHost,
  executor: HostExecutor,
  paths: HostPaths,
): Promise<void> {
  const facts = await probeHost(executor, fleet.inventory, host.spec, paths);
  for (const step of planSwitch(fleet.inventory, paths, facts, host.spec)) {
    if (step.failure) throw new HostError(host.spec.name, step.failure.message, step.failure.fix);
    for (const action of step.actions) await executor.apply(action);
  }
}

/** conf/zoo.cfg of a release as the inventory renders it, with extra settings (snapshot.trust.empty). */
async function writeZooCfg(
  fleet: Fleet,
  host: FleetHost,
  executor: HostExecutor,
  home: string,
  zookeeperHome: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const { cluster, hosts } = fleet.inventory;
  const content = renderZooCfg(
    { ...cluster, settings: { ...cluster.settings, ...extra } },
    hosts,
    home,
    host.spec,
  );
  await executor.apply({ kind: 'write', path: `${zookeeperHome}/conf/zoo.cfg`, content });
}

/** Waits for the server to write its first snapshot (3.5+ writes one when it syncs with trust.empty set). */
async function waitForSnapshot(executor: HostExecutor, cluster: ClusterSettings, timeoutSeconds: number) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const list = `ls -- ${shellPath(`${cluster.dataDir}/version-2`)} 2>/dev/null | grep '^snapshot\\.' | tail -n1`;
  for (;;) {
    const name = (await executor.probe(list)).stdout.trim();
    if (name) return name;
    if (Date.now() > deadline) {
      throw new HostError(
        executor.host,
        `serving with ${TRUST_EMPTY}=true, but no snapshot written after ${timeoutSeconds}s; the setting is left in its zoo.cfg`,
        'look at its server log; once a snapshot is there, zkdeploy upgrade again removes the setting',
      );
    }
    await sleep(500);
  }
}

/** Where a host goes, and what to call the move in the record and the archives. */
export interface RollTo {
  paths: HostPaths;
  releaseDir: string;
  version: string;
  /** Whether to write the upgrade record (upgrade does; rollback keeps the upgrade's). */
  from?: (currentDir: string) => { fromVersion: string };
  /** How the archive's stamp names this move. */
  why: string;
  timeoutSeconds: number;
}

/**
 * One host of a rolling upgrade or rollback: stop its server, archive its data beside it, switch it
 * to the other release, start it (once with snapshot.trust.empty where its data has no snapshot),
 * and wait until it serves and the leader counts it synced. A host already switched by an earlier
 * run is only started; one already serving the release is left alone.
 */
export async function rollHost(
  fleet: Fleet,
  host: FleetHost,
  to: RollTo,
  /** The servers to wait for after the turn (rollOneAtATime's `expected`); default every host. */
  expected?: readonly string[],
): Promise<{ outcome: 'changed' | 'unchanged'; detail: string }> {
  const executor = host.executor;
  if (!executor) throw host.error ?? new Error('not connected');
  const { cluster } = fleet.inventory;
  const began = Date.now();
  let facts = await probeUpgrade(executor, cluster);
  const targetHome = absoluteRemotePath(to.paths.release, facts.home);
  const currentHome = await findZookeeperHome(executor);
  const notes: string[] = [];
  if (currentHome === targetHome) {
    const mode = await servingMode(executor, cluster.clientPort);
    if (mode) return { outcome: 'unchanged', detail: `runs ${to.releaseDir} already, ${mode}` };
    // Switched by an earlier run that stopped here: its data was archived then.
    if (await serverAlive(executor, cluster)) {
      await stopServer(executor, cluster, currentHome, to.timeoutSeconds);
      facts = await probeUpgrade(executor, cluster);
    }
  } else {
    await stopServer(executor, cluster, currentHome, to.timeoutSeconds);
    facts = await probeUpgrade(executor, cluster);
    const archived = await archiveData(executor, cluster, facts, to.why);
    const currentDir = currentHome.slice(currentHome.lastIndexOf('/') + 1);
    if (to.from) {
      const record = {
        from: currentDir,
        to: to.releaseDir,
        fromVersion: to.from(currentDir).fromVersion,
        toVersion: to.version,
        zxid: archived.zxid,
        dataArchive: archived.dataArchive,
        logArchive: archived.logArchive,
        at: new Date().toISOString(),
      };
      await executor.apply({
        kind: 'write',
        path: absoluteRemotePath(recordPath(cluster.installDir), facts.home),
        content: formatRecord(record),
      });
    }
    notes.push(
      `data archived at zxid ${archived.zxid} (${archived.dataArchive.slice(archived.dataArchive.lastIndexOf('/') + 1)})`,
    );
    await switchTo(fleet, host, executor, to.paths);
  }
  const trustEmpty =
    is35OrLater(to.version) &&
    facts.snapshots.length === 0 &&
    facts.logs.length > 0 &&
    cluster.settings[TRUST_EMPTY] === undefined;
  if (trustEmpty) await writeZooCfg(fleet, host, executor, facts.home, targetHome, { [TRUST_EMPTY]: 'true' });
  await startServer(executor, cluster, targetHome);
  const mode = await waitUntilServing(executor, cluster, to.timeoutSeconds);
  const synced = await waitForSync(fleet, began + to.timeoutSeconds * 1000, expected).catch(
    (err: unknown) => {
      throw new HostError(
        host.spec.name,
        `back as ${mode}, but ${err instanceof Error ? err.message : String(err)}`,
      );
    },
  );
  if (trustEmpty) {
    const snapshot = await waitForSnapshot(executor, cluster, to.timeoutSeconds);
    await writeZooCfg(fleet, host, executor, facts.home, targetHome);
    notes.push(
      `no snapshot, only transaction logs: started once with ${TRUST_EMPTY}=true, wrote ${snapshot}, setting removed`,
    );
  }
  notes.push(`${mode} on ${to.releaseDir} in ${((Date.now() - began) / 1000).toFixed(1)}s; ${synced}`);
  return { outcome: 'changed', detail: notes.join('; ') };
}
