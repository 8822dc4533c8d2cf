import { ExitCode } from '../errors.js';
import { type MembershipChange, membershipChange } from '../membership/change.js';
import { wantedMembers } from '../membership/current.js';
import { type EnsembleView, viewEnsemble } from '../membership/ensemble-view.js';
import { findLeftRunning, spellList } from '../membership/left.js';
import { startRefusals } from '../membership/start-guard.js';
import type { Member, MembershipRefusal } from '../membership/steps.js';
import { askFourLetterWord } from '../ops/four-letter.js';
import { checkLayout } from '../plan/install-plan.js';
import { hostPaths } from '../plan/probe.js';
import { Fleet } from '../run/fleet.js';
import { planHost } from '../run/plan-host.js';
import { inspectTarball } from '../tarball/inspect.js';
import { color } from '../ui/colors.js';
import { renderMembership } from '../ui/membership-view.js';
import { type HostPlan, planJson, renderPlan } from '../ui/plan-view.js';
import { renderRefusals } from '../ui/upgrade-view.js';
import { parseSrvr } from '../zk/srvr.js';
import { type InstallOptions, readContext, tarballPath } from './common.js';

/**
 * What install would change on each host, found with read-only probes only: exit 0 when nothing,
 * 2 when something would change (1 when a host could not be planned).
 */
export async function plan(options: InstallOptions & { json?: boolean }): Promise<number> {
  const { inventory, fleet: settings, hosts } = readContext(options, { progress: false, dryRun: true });
  const tarball = await inspectTarball(tarballPath(inventory, options.tarball));
  checkLayout(inventory, tarball.topDir);
  const paths = hostPaths(inventory.cluster, tarball.fileName, tarball.topDir);
  const found = await findLeftRunning(inventory, settings);
  await found.close();
  const left = found.running;
  const fleet = await Fleet.open(inventory, settings, hosts);
  const plans = new Map<string, HostPlan>();
  let membership: MembershipChange | undefined;
  let startRefused: MembershipRefusal[] = [];
  let swapping: { host: string; mark: string }[] = [];
  try {
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      const steps = await planHost(executor, inventory, host.spec, tarball, paths);
      const answer = await askFourLetterWord(executor, inventory.cluster.clientPort, 'srvr', 1000);
      const mode = answer.listening ? (parseSrvr(answer.reply).mode ?? 'not serving') : 'not running';
      plans.set(host.spec.name, { name: host.spec.name, steps, server: mode, error: undefined });
    });
    fleet.refuseBadInput();
    // One read of the whole ensemble serves the membership change, the swap marks and the start guard.
    const view = await viewEnsemble(fleet);
    membership = await membershipChange(fleet, view);
    swapping = view.hosts.flatMap((h) =>
      h.selected && h.facts?.swap ? [{ host: h.name, mark: h.facts.swap }] : [],
    );
    // install --start --dry-run: the start guard judged on the lists install would write.
    if (options.start) startRefused = startRefusals(asInstalled(view, wantedMembers(inventory)));
  } finally {
    await fleet.close();
  }
  const all: HostPlan[] = fleet.hosts.map(
    (h) =>
      plans.get(h.spec.name) ?? {
        name: h.spec.name,
        steps: [],
        server: '-',
        error: h.error?.message ?? 'no answer',
      },
  );
  if (membership && !options.json) process.stdout.write(renderMembership(membership));
  process.stdout.write(options.json ? planJson(all, membership) : renderPlan(all));
  if (membership && !options.json)
    process.stdout.write(
      `${color.yellow('the servers change: zkdeploy scale makes that change, one server at a time; install refuses it while the ensemble runs')}\n`,
    );
  for (const { name, ours, members } of left)
    process.stdout.write(
      ours
        ? `${color.yellow(`${name} left the ensemble in an earlier zkdeploy scale, but its server runs again with the list it had: zkdeploy scale stops it (its data kept)`)}\n`
        : `${name} left the ensemble in an earlier zkdeploy scale; the ZooKeeper running there lists another ensemble (${spellList(members)}): not this ensemble's, left alone\n`,
    );
  if (!options.json)
    for (const { host, mark } of swapping)
      process.stdout.write(
        `${color.yellow(`${host}: a data swap under way (${mark}): that command, run again, finishes it; start refuses until then`)}\n`,
      );
  if (startRefused.length > 0 && !options.json) {
    process.stdout.write(
      `${color.yellow('install --start would install as above and then refuse to start any server:')}\n${renderRefusals(startRefused)}`,
    );
  }
  if (fleet.failed.length > 0 || startRefused.length > 0) return ExitCode.failed;
  return membership ||
    swapping.length > 0 ||
    left.some((l) => l.ours) ||
    all.some((p) => p.steps.some((s) => s.change))
    ? ExitCode.no
    : ExitCode.ok;
}

/** The ensemble as it would be once install wrote the inventory's list on the hosts it works on. */
function asInstalled(view: EnsembleView, wanted: Member[]): EnsembleView {
  return {
    ...view,
    hosts: view.hosts.map((h) => (h.selected && h.reachable ? { ...h, members: wanted } : h)),
  };
}
