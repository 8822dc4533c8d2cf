import { runChecks } from '../check/run.js';
import { ExitCode, ZkdeployError } from '../errors.js';
import { rememberInstall } from '../inventory/memory.js';
import { membershipChange } from '../membership/change.js';
import { collectStatus } from '../ops/ensemble-status.js';
import { startStep } from '../ops/start-step.js';
import { checkLayout } from '../plan/install-plan.js';
import { hostPaths } from '../plan/probe.js';
import { releaseSwitch } from '../plan/release-switch.js';
import type { PlannedStep } from '../plan/step.js';
import { Fleet } from '../run/fleet.js';
import { planHost } from '../run/plan-host.js';
import { inspectTarball } from '../tarball/inspect.js';
import { renderCheck } from '../ui/check-view.js';
import { renderMembership } from '../ui/membership-view.js';
import { startedStatus } from '../ui/status-view.js';
import { stepSummary } from '../ui/summary.js';
import { renderRefusals } from '../ui/upgrade-view.js';
import { SERVING_MODES } from '../zk/health.js';
import { finish, type InstallOptions, lockedContext, startRefusalsFor, tarballPath } from './common.js';

/** The guide's steps 1-8 on every host at once: probe, plan, apply what differs. */
export async function install(options: InstallOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = lockedContext('install', options);
  const tarball = await inspectTarball(tarballPath(inventory, options.tarball));
  checkLayout(inventory, tarball.topDir);
  const paths = hostPaths(inventory.cluster, tarball.fileName, tarball.topDir);
  const fleet = await Fleet.open(inventory, settings, hosts);
  let status = '';
  // Said once the progress view has ended (the fleet closed): what was found, then why nothing changed.
  const refuseInstall = async (found: string, why: string, fix: string): Promise<never> => {
    await fleet.close();
    process.stdout.write(found);
    throw new ZkdeployError(`install refused: ${why}; nothing was changed`, ExitCode.failed, fix);
  };
  try {
    // Both read-only: the checks and each host's probe and plan run together; nothing is applied
    // unless every check passed. When no host has anything to change there is nothing for a check to
    // stop, so a no-op install does not wait for them.
    const plans = new Map<string, PlannedStep[]>();
    const checking = options.skipCheck ? undefined : runChecks(fleet, tarball);
    checking?.catch(() => undefined);
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      plans.set(host.spec.name, await planHost(executor, inventory, host.spec, tarball, paths));
    });
    fleet.refuseBadInput();
    // Another server's data under a myid install would rewrite: refused before any host changes.
    const foreign = [...plans].flatMap(([name, steps]) =>
      steps.flatMap((s) => (s.id === 'myid' && s.failure ? [{ host: name, ...s.failure }] : [])),
    );
    if (foreign.length > 0)
      await refuseInstall(
        renderRefusals(foreign),
        'a host holds data of another server',
        'fix what each line above names, then install again',
      );
    const membership = await membershipChange(fleet);
    if (membership?.split)
      await refuseInstall(
        renderMembership(membership),
        membership.split.unfinished
          ? `a zkdeploy scale stopped midway through "${membership.split.unfinished.step.kind} ${membership.split.unfinished.step.member.name}": the running servers hold two lists one server apart`
          : `the running servers' lists disagree (${membership.split.disagree.join(', ')} differ from the others)`,
        membership.split.unfinished
          ? 'zkdeploy scale finishes the step, one server at a time (zkdeploy scale --dry-run shows it); install never writes a list under a running server'
          : 'bring them to one list first: zkdeploy status shows the drift',
      );
    if (membership)
      await refuseInstall(
        renderMembership(membership),
        `the inventory changes the running ensemble's servers (${membership.from.length} → ${membership.to.length}), which install never rewrites on a running ensemble`,
        'zkdeploy scale makes the change one server at a time (zkdeploy scale --dry-run shows its steps)',
      );
    // Switching a running server to another release is upgrade's or rollback's: install would do it
    // on every host at once, with no archive and no check that the data loads.
    const rows = await collectStatus(fleet, { service: false });
    const switching = rows.flatMap((row) => {
      const change = SERVING_MODES.includes(row.mode) ? releaseSwitch(plans.get(row.name) ?? []) : undefined;
      return change ? [`${row.name} (${change.from} → ${change.to})`] : [];
    });
    if (switching.length > 0)
      await refuseInstall(
        '',
        `it would switch running servers to another release: ${switching.join(', ')}`,
        'zkdeploy upgrade --tarball FILE moves a running ensemble to a newer release one server at a time (zkdeploy rollback back to the one an upgrade left); or stop the servers first',
      );
    const nothingToChange =
      fleet.failed.length === 0 &&
      [...plans.values()].every((steps) => steps.every((s) => !s.change && !s.failure));
    const report = nothingToChange ? undefined : await checking;
    if (report?.blocksInstall)
      await refuseInstall(
        renderCheck(report),
        'a preflight check failed',
        'fix what the check names, or pass --skip-check to install anyway',
      );
    // The check lends free ZooKeeper ports a listener for a moment: no server starts before it is done.
    if (options.start) await checking?.catch(() => undefined);
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      await fleet.applySteps(host, executor, plans.get(host.spec.name) ?? []);
    });
    if (options.start) {
      // Judged on what the hosts hold now that the files are written, as start judges it.
      const refusals = await startRefusalsFor(fleet);
      if (refusals.length > 0) {
        await fleet.close();
        process.stdout.write(stepSummary('install', fleet));
        process.stdout.write(renderRefusals(refusals));
        throw new ZkdeployError(
          'install --start: installed as above, but no server was started: starting them would split the ensemble',
          ExitCode.failed,
          'fix what each line above names, then zkdeploy start',
        );
      }
      await fleet.eachHostMarkingFailures((host, executor) =>
        startStep(fleet, host, executor, options.timeout ?? 60),
      );
      status = await startedStatus(fleet);
    }
  } finally {
    await fleet.close();
  }
  rememberInstall({ inventory: inventory.path, tarball: tarball.path });
  process.stdout.write(stepSummary(options.start ? 'install --start' : 'install', fleet));
  process.stdout.write(status);
  return finish('install', fleet);
}
