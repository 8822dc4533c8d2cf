import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { sameMembers, wantedMembers } from '../membership/current.js';
import { findLeftRunning, type LeftServers, spellList } from '../membership/left.js';
import { judgeScale } from '../membership/scale-preflight.js';
import { addServer, openWithLeaving, removeServer, stepId } from '../membership/scale-steps.js';
import { describeStep } from '../membership/steps.js';
import { collectStatus } from '../ops/ensemble-status.js';
import { checkLayout } from '../plan/install-plan.js';
import type { FleetHost, FleetOptions } from '../run/fleet.js';
import { inspectTarball, type ReleaseTarball } from '../tarball/inspect.js';
import { color } from '../ui/colors.js';
import { renderMembership } from '../ui/membership-view.js';
import { renderStatus } from '../ui/status-view.js';
import { judgeHealth } from '../zk/health.js';
import {
  endRolling,
  finish,
  type HostOptions,
  lockedContext,
  refuse,
  refuseHostsOption,
  tarballPath,
} from './common.js';

export interface ScaleOptions extends HostOptions {
  tarball?: string;
  timeout?: number;
}

/**
 * Membership as the inventory says, one server at a time: each new server installed and started
 * with the list that includes it, then the others rolled onto that list (leader last); each server
 * going out first rolled off the others' list, then stopped with its data kept. Refused when a
 * step could lose the quorum (a server down), or when a joining host brings old state.
 */
export async function scale(options: ScaleOptions): Promise<number> {
  refuseHostsOption('scale', options.hosts);
  const { inventory, fleet: settings } = lockedContext('scale', options);
  const tarball = await inspectTarball(tarballPath(inventory, options.tarball));
  checkLayout(inventory, tarball.topDir);
  // Servers an earlier scale took out that run again: read now, stopped only once the preflight passed.
  const left = await findLeftRunning(inventory, settings);
  try {
    return await scaleWith(inventory, settings, options, tarball, left);
  } finally {
    await left.close();
  }
}

async function scaleWith(
  inventory: Inventory,
  settings: FleetOptions,
  options: ScaleOptions,
  tarball: ReleaseTarball,
  left: LeftServers,
): Promise<number> {
  const timeout = options.timeout ?? 60;
  const { fleet, facts, rows } = await openWithLeaving(inventory, settings);
  let status = '';
  try {
    const judged = judgeScale(rows, facts, wantedMembers(inventory), inventory.cluster);
    if (!judged) {
      throw new UsageError(
        'no server runs: there is no running membership to change',
        "zkdeploy install writes the inventory's server list, and zkdeploy start starts them",
      );
    }
    const { running, unfinished, steps, wanted, refusals } = judged;
    if (refusals.length > 0) refuse('scale', refusals);
    // One the running servers still list is a removal under way (a scale stopped midway): the steps
    // below finish it, one server at a time; stopping it here would take a voter out of their quorum.
    const strays = left.running.filter(
      (l) => !running.members.some((m) => m.name.toLowerCase() === l.name.toLowerCase()),
    );
    for (const other of strays.filter((l) => !l.ours)) {
      process.stdout.write(
        `${other.name} left the ensemble in an earlier scale; the ZooKeeper running there lists another ensemble (${spellList(other.members)}): left alone\n`,
      );
    }
    for (const ours of strays.filter((l) => l.ours)) {
      process.stdout.write(
        `${ours.name} left the ensemble in an earlier scale and runs again with its old list: ${options.dryRun ? 'would stop it' : 'stopping it'} (its data kept)\n`,
      );
    }
    if (!options.dryRun) await left.stop(strays, timeout);
    if (!unfinished && sameMembers(running.members, wanted)) {
      process.stdout.write(
        color.green(`membership as the inventory says (${wanted.length} servers): nothing to do\n`),
      );
      return finish('scale', fleet);
    }
    if (unfinished)
      process.stdout.write(
        color.yellow(
          `a scale stopped midway: ${describeStep(unfinished.step)}; ${unfinished.behind.join(', ') || 'no server'} still on the list before it. That step is finished first, one server at a time.\n`,
        ),
      );
    process.stdout.write(
      renderMembership({
        from: unfinished ? unfinished.step.before : running.members,
        to: wanted,
        steps,
        refusals: [],
      }),
    );
    if (options.dryRun) {
      for (const step of steps) {
        const host = fleet.hosts.find((h) => h.spec.name === step.member.name) as FleetHost;
        fleet.record(host, {
          id: stepId(step),
          title: stepId(step),
          outcome: 'changed',
          detail: describeStep(step),
        });
      }
      return endRolling('scale', fleet, { order: [] });
    }
    for (const step of steps) {
      // The unfinished step rolls only the hosts still behind it.
      const only = step === unfinished?.step ? unfinished.behind : undefined;
      if (step.kind === 'add') await addServer(fleet, step, tarball, timeout, only);
      else await removeServer(fleet, step, timeout, only);
      if (fleet.failed.length > 0) break;
    }
    const now = (await collectStatus(fleet)).filter((r) => wanted.some((m) => m.name === r.name));
    status = `\n${renderStatus(
      now,
      judgeHealth(
        now.map((r) => r.mode),
        wanted.length,
      ),
    )}`;
  } finally {
    await fleet.close();
  }
  return endRolling('scale', fleet, { order: [], status });
}
