import { rememberRollback } from '../inventory/memory.js';
import { rollOneAtATime } from '../ops/rolling.js';
import { clearSwapMarks } from '../ops/swap-marker.js';
import { hostPaths } from '../plan/probe.js';
import { Fleet, type FleetHost } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { startedStatus } from '../ui/status-view.js';
import { describeLoss, renderPreflight } from '../ui/upgrade-view.js';
import type { UpgradeFacts, UpgradeRecord } from '../upgrade/host-state.js';
import { probeEnsemble, rollHost } from '../upgrade/roll.js';
import { preflightRollback } from '../upgrade/rollback-preflight.js';
import { restoreAll, type SinceUpgrade, scanSinceUpgrade } from '../upgrade/rollback-restore.js';
import {
  confirmTyped,
  endRolling,
  explainInterrupt,
  finish,
  type HostOptions,
  lockedContext,
  refuse,
  refuseHostsOption,
  swapRefusals,
} from './common.js';

export interface RollbackOptions extends HostOptions {
  yes?: boolean;
  timeout?: number;
}

/**
 * Back to the release the last upgrade left, the way it came: one server at a time, followers first,
 * the leader last, each archived and switched. Where the new release has written transactions the
 * old one cannot load, a roll would start servers that cannot read their log: then, after saying
 * what would be lost and a confirmation, every server's archived data is restored instead.
 */
export async function rollback(options: RollbackOptions): Promise<number> {
  refuseHostsOption('rollback', options.hosts);
  const { inventory, fleet: settings } = lockedContext('rollback', options);
  const { cluster } = inventory;
  const timeout = options.timeout ?? 120;
  const fleet = await Fleet.open(inventory, settings);
  let order: string[] = [];
  let status = '';
  const unregister = explainInterrupt('rollback');
  try {
    const { rows, facts } = await probeEnsemble(fleet);
    const preflight = preflightRollback(
      cluster,
      rows.map((row) => ({ name: row.name, status: row, facts: facts.get(row.name) })),
    );
    const record = preflight.record;
    if (preflight.refusals.length > 0 || !record) refuse('rollback', preflight.refusals);
    const rolling = preflight.hosts.filter((h) => h.action === 'roll');
    const scans: SinceUpgrade[] = [];
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      const found = facts.get(host.spec.name) as UpgradeFacts;
      if (rolling.some((h) => h.name === host.spec.name) && found.record)
        scans.push(await scanSinceUpgrade(executor, host.spec.name, cluster.dataLogDir, found, found.record));
    });
    if (fleet.failed.length > 0)
      refuse(
        'rollback',
        fleet.failed.map((h) => ({
          host: h.spec.name,
          message: h.error?.message ?? '',
          fix: 'reach every host first',
        })),
      );
    process.stdout.write(
      renderPreflight(
        `rollback ${record.toVersion} → ${record.fromVersion} (${record.from})`,
        preflight.hosts,
      ),
    );
    const toDo = preflight.hosts.filter((h) => h.action !== 'done');
    const marked = [...facts.values()].some((f) => f.swap);
    if (toDo.length === 0) {
      process.stdout.write(color.green(`every server runs ${record.from} already: nothing to do\n`));
      // A restoring rollback whose servers all came back after it stopped: its marks are done with.
      if (marked && !options.dryRun) await clearSwapMarks(fleet);
      return finish('rollback', fleet);
    }
    // A restoring rollback stopped midway (its marks on the hosts) is continued the same way: the
    // servers already put back have no transactions left to scan, the others still do.
    const mustRestore = marked || scans.some((s) => s.unreadable.size > 0);
    if (mustRestore) {
      // Every server stops next: whatever would stop the swap halfway is found while they serve.
      const unsafe = await swapRefusals(fleet, facts, 'rollback');
      if (unsafe.length > 0) refuse('rollback', unsafe);
      if (marked)
        process.stdout.write(
          color.yellow('a rollback that restores the archives stopped midway: continuing it\n'),
        );
      process.stdout.write(describeLoss(scans, record));
      await confirmTyped(options, {
        word: 'restore',
        question: 'stop every server and restore the archived data',
        what: 'rollback must restore the archived data (see above)',
        fix: 'add --yes if that is what you want; or stay on the new release',
      });
      const full = facts.get(fleet.hosts[0]?.spec.name ?? '')?.record as UpgradeRecord;
      if (options.dryRun) {
        for (const host of fleet.hosts)
          fleet.record(host, {
            id: 'restore',
            title: 'restore',
            outcome: 'changed',
            detail: 'would restore the archived data',
          });
      } else await restoreAll(fleet, full, timeout);
    } else {
      if (!preflight.quorum) {
        refuse('rollback', [
          {
            message: 'the ensemble has no quorum: a rolling rollback needs one',
            fix: 'bring the servers back first (zkdeploy start; zkdeploy status)',
          },
        ]);
      }
      const paths = hostPaths(cluster, `${record.from}.tar.gz`, record.from);
      const targets = [...toDo.filter((h) => h.action === 'start'), ...rolling].map((h) => h.name);
      order = await rollOneAtATime(fleet, targets, {
        id: 'rollback',
        work: (host: FleetHost, expected) =>
          rollHost(
            fleet,
            host,
            {
              paths,
              releaseDir: record.from,
              version: record.fromVersion,
              why: `before rolling back ${record.toVersion} → ${record.fromVersion}`,
              timeoutSeconds: timeout,
            },
            expected,
          ),
      });
    }
    if (!options.dryRun) status = await startedStatus(fleet);
  } finally {
    unregister();
    await fleet.close();
  }
  if (!options.dryRun && fleet.failed.length === 0) rememberRollback(inventory.path);
  return endRolling('rollback', fleet, { order, status });
}
