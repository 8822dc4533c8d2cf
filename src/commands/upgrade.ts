import { runChecks } from '../check/run.js';
import { InputError, UsageError } from '../errors.js';
import { rememberUpgrade } from '../inventory/memory.js';
import { collectDrift } from '../ops/config-drift.js';
import { collectStatus } from '../ops/ensemble-status.js';
import { rollOneAtATime } from '../ops/rolling.js';
import { checkLayout } from '../plan/install-plan.js';
import { hostPaths } from '../plan/probe.js';
import type { PlannedStep } from '../plan/step.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { Fleet } from '../run/fleet.js';
import { planHost } from '../run/plan-host.js';
import { inspectTarball } from '../tarball/inspect.js';
import { color } from '../ui/colors.js';
import { startedStatus } from '../ui/status-view.js';
import { renderPreflight } from '../ui/upgrade-view.js';
import type { UpgradeFacts } from '../upgrade/host-state.js';
import { type PreflightHost, preflightUpgrade } from '../upgrade/preflight.js';
import { probeUpgrade, rollHost } from '../upgrade/roll.js';
import {
  endRolling,
  explainInterrupt,
  finish,
  type HostOptions,
  lockedContext,
  refuse,
  refuseHostsOption,
  tarballPath,
} from './common.js';

export interface UpgradeOptions extends HostOptions {
  tarball?: string;
  timeout?: number;
}

/** Install's steps an upgrade takes on every host before the roll: the new release beside the old one. */
const STAGING = ['upload', 'extract', 'zoo.cfg', 'java.env'];
/** Install's steps an upgrade takes at each host's turn, once its server has stopped. */
const SWITCHING = ['profile', 'service'];

/**
 * A rolling upgrade to the tarball's release: preflight (changes nothing), the new release staged
 * beside the old on every host, then one server at a time, followers first and the leader last:
 * stop, archive its data beside it (named with the zxid), switch, start, and wait until it serves
 * and the leader counts it synced. A failure stops the roll there; a re-run continues.
 */
export async function upgrade(options: UpgradeOptions): Promise<number> {
  refuseHostsOption('upgrade', options.hosts);
  const { inventory, fleet: settings } = lockedContext('upgrade', options);
  if (!options.tarball && !inventory.cluster.tarball) {
    throw new UsageError(
      'upgrade needs the release to go to',
      'pass --tarball apache-zookeeper-X.Y.Z-bin.tar.gz (or set zookeeper.tarball in the inventory)',
    );
  }
  const tarball = await inspectTarball(tarballPath(inventory, options.tarball));
  const version = tarball.version;
  if (!version) {
    throw new InputError(
      `${tarball.path}: no version in its directory or jar names`,
      'use a release as Apache publishes it',
    );
  }
  checkLayout(inventory, tarball.topDir);
  const { cluster } = inventory;
  const paths = hostPaths(cluster, tarball.fileName, tarball.topDir);
  const timeout = options.timeout ?? 120;
  const fleet = await Fleet.open(inventory, settings);
  let order: string[] = [];
  let status = '';
  const unregister = explainInterrupt('upgrade');
  try {
    const plans = new Map<string, PlannedStep[]>();
    const facts = new Map<string, UpgradeFacts>();
    const [rows, drift, report] = await Promise.all([
      collectStatus(fleet),
      collectDrift(fleet, 'upgrade'),
      runChecks(fleet, tarball),
      fleet.eachHostMarkingFailures(async (host, executor) => {
        facts.set(host.spec.name, await probeUpgrade(executor, cluster));
        plans.set(host.spec.name, await planHost(executor, inventory, host.spec, tarball, paths));
      }),
    ]);
    fleet.refuseBadInput();
    const views: PreflightHost[] = rows.map((row) => {
      const found = facts.get(row.name);
      const steps = plans.get(row.name) ?? [];
      return {
        name: row.name,
        status: row,
        facts: found,
        targetHome: found ? absoluteRemotePath(paths.release, found.home) : '',
        unexpectedChanges: [
          ...steps.filter((s) => s.change && ![...STAGING, ...SWITCHING].includes(s.id)).map((s) => s.id),
          ...drift.filter((d) => d.host === row.name).map((d) => d.message),
        ],
        failures: steps.flatMap((s) => (s.failure ? [s.failure] : [])),
      };
    });
    const preflight = preflightUpgrade(cluster, views, { releaseDir: tarball.topDir, version });
    for (const host of report.hosts) {
      for (const result of host.results.filter((r) => r.status === 'fail' && r.id !== 'ssh')) {
        preflight.refusals.push({
          host: host.name,
          message: `check ${result.id}: ${result.message}`,
          fix: result.fix ?? 'see zkdeploy check',
        });
      }
    }
    // On a re-run where every host left is switched already, the record says where they came from.
    const recorded = [...facts.values()].find((f) => f.record?.to === tarball.topDir)?.record?.fromVersion;
    const from = preflight.fromVersion ?? recorded ?? preflight.hosts.find((h) => h.version)?.version ?? '?';
    process.stdout.write(
      renderPreflight(`upgrade ${from} → ${version} (${tarball.topDir})`, preflight.hosts),
    );
    if (preflight.refusals.length > 0) refuse('upgrade', preflight.refusals);
    const toDo = preflight.hosts.filter((h) => h.action !== 'done');
    if (toDo.length === 0) {
      process.stdout.write(color.green(`every server runs ${version} already: nothing to do\n`));
      return finish('upgrade', fleet);
    }

    if (!options.dryRun) {
      await fleet.eachHostMarkingFailures(async (host, executor) => {
        const staging = (plans.get(host.spec.name) ?? []).filter((s) => STAGING.includes(s.id));
        const changing = staging.filter((s) => s.change);
        await fleet.runStep(host, 'stage', `stage ${tarball.topDir}`, async () => {
          for (const step of changing) for (const action of step.actions) await executor.apply(action);
          return changing.length > 0
            ? { outcome: 'changed', detail: changing.map((s) => s.id).join(', ') }
            : { outcome: 'unchanged', detail: 'staged already' };
        });
      });
    }
    if (fleet.failed.length === 0) {
      // Hosts an earlier run switched and left down go first: the ensemble is short of them.
      const targets = [
        ...toDo.filter((h) => h.action === 'start').map((h) => h.name),
        ...toDo.filter((h) => h.action === 'roll').map((h) => h.name),
      ];
      order = await rollOneAtATime(fleet, targets, {
        id: 'upgrade',
        work: (host, expected) =>
          rollHost(
            fleet,
            host,
            {
              paths,
              releaseDir: tarball.topDir,
              version,
              from: () => ({ fromVersion: from }),
              why: `before upgrading ${from} → ${version}`,
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
  if (!options.dryRun && fleet.failed.length === 0) rememberUpgrade(inventory.path, tarball.path);
  return endRolling('upgrade', fleet, { order, status });
}
