import { HostError, UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import {
  inventoryWithMembers,
  memberSpec,
  membersOf,
  runningMembership,
  sameMembers,
  serverUp,
  wantedMembers,
} from '../membership/current.js';
import { type MembershipFacts, probeMembership, staleState } from '../membership/host-state.js';
import { findLeftRunning, type LeftServers, spellList } from '../membership/left.js';
import { describeStep, type MembershipStep, membershipSteps } from '../membership/steps.js';
import { unfinishedStep } from '../membership/unfinished.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import { startServer, stopServer, waitUntilServing } from '../ops/lifecycle.js';
import { rollOneAtATime, waitForSync } from '../ops/rolling.js';
import { findZookeeperHome } from '../ops/server-host.js';
import { checkLayout } from '../plan/install-plan.js';
import { hostPaths } from '../plan/probe.js';
import { renderZooCfg } from '../render/zoo-cfg.js';
import type { FleetOptions } from '../run/fleet.js';
import { Fleet, type FleetHost } from '../run/fleet.js';
import { planHost } from '../run/plan-host.js';
import { inspectTarball, type ReleaseTarball } from '../tarball/inspect.js';
import { color } from '../ui/colors.js';
import { renderMembership } from '../ui/membership-view.js';
import { renderStatus } from '../ui/status-view.js';
import type { Refusal } from '../upgrade/preflight.js';
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

const SERVING = ['leader', 'follower', 'observer'];

/** Host names compare as DNS does: whatever their case. */
const includesName = (names: readonly string[], name: string) =>
  names.some((n) => n.toLowerCase() === name.toLowerCase());

/** The step's column in the summary: +LZY-06 for a server coming in, -LZY-07 for one going out. */
const stepId = (step: MembershipStep) => `${step.kind === 'add' ? '+' : '-'}${step.member.name}`;

/** Rewrites a server's zoo.cfg with the step's list and restarts it; done when it serves and is synced. */
async function restartWithList(
  fleet: Fleet,
  host: FleetHost,
  listed: Inventory,
  running: readonly string[],
  timeout: number,
) {
  const executor = host.executor;
  if (!executor) throw host.error ?? new Error('not connected');
  const { cluster } = fleet.inventory;
  const began = Date.now();
  const zookeeperHome = await findZookeeperHome(executor);
  const home = (await executor.probe('printf "%s\\n" "$HOME"')).stdout.trim();
  const content = renderZooCfg(cluster, listed.hosts, home, host.spec);
  // Written only once stopped: a running server always runs the list its zoo.cfg holds, so a scale
  // stopped between the two (a timeout, Ctrl-C) leaves nothing the next run would misread.
  await stopServer(executor, cluster, zookeeperHome, timeout);
  await executor.apply({ kind: 'write', path: `${zookeeperHome}/conf/zoo.cfg`, content });
  await startServer(executor, cluster, zookeeperHome);
  const mode = await waitUntilServing(executor, cluster, timeout);
  const synced = await waitForSync(fleet, began + timeout * 1000, running);
  return {
    outcome: 'changed' as const,
    detail: `${listed.hosts.length} servers listed; back as ${mode} in ${((Date.now() - began) / 1000).toFixed(1)}s; ${synced}`,
  };
}

/** One server in: installed with the longer list, started, serving as a follower; then the others rolled onto it. */
async function addServer(
  fleet: Fleet,
  step: MembershipStep,
  tarball: ReleaseTarball,
  timeout: number,
  only?: readonly string[],
): Promise<void> {
  const { inventory } = fleet;
  const listed = inventoryWithMembers(inventory, step.after);
  const paths = hostPaths(inventory.cluster, tarball.fileName, tarball.topDir);
  const joining = fleet.hosts.find((h) => h.spec.name === step.member.name) as FleetHost;
  const executor = joining.executor;
  if (!executor) throw joining.error ?? new Error('not connected');
  await fleet.runStep(joining, stepId(step), `join as server.${step.member.myid}`, async () => {
    for (const planned of await planHost(executor, listed, joining.spec, tarball, paths)) {
      if (planned.failure)
        throw new HostError(joining.spec.name, planned.failure.message, planned.failure.fix);
      for (const action of planned.actions) await executor.apply(action);
    }
    const zookeeperHome = await findZookeeperHome(executor);
    await startServer(executor, inventory.cluster, zookeeperHome);
    const mode = await waitUntilServing(executor, inventory.cluster, timeout);
    return {
      outcome: 'changed',
      detail: `installed and started with ${step.after.length} servers listed: ${mode}`,
    };
  });
  const running = step.after.map((m) => m.name);
  await rollOneAtATime(
    fleet,
    step.before.map((m) => m.name).filter((name) => !only || includesName(only, name)),
    {
      id: stepId(step),
      // The leader's list is the old one until it restarts: the quorum each turn keeps is of that list.
      voters: step.before.filter((m) => !m.observer).map((m) => m.name),
      work: (host) => restartWithList(fleet, host, listed, running, timeout),
    },
  );
}

/** One server out: the others rolled onto the shorter list (leader last), then it is stopped, its data kept. */
async function removeServer(
  fleet: Fleet,
  step: MembershipStep,
  timeout: number,
  only?: readonly string[],
): Promise<void> {
  const listed = inventoryWithMembers(fleet.inventory, step.after);
  const running = step.before.map((m) => m.name);
  const leaving = fleet.hosts.find((h) => h.spec.name.toLowerCase() === step.member.name.toLowerCase());
  // A leaving server no running list names any more (a remove stopped late) is not in the fleet.
  if (!leaving)
    throw new HostError(
      step.member.name,
      'leaving the ensemble, but no running server lists it any more, so it was not reached',
      `stop it on ${step.member.name} by hand (zkServer.sh stop, its data kept), then run zkdeploy scale again`,
    );
  // Servers restarted with the shorter list cannot follow a leader it no longer names: a leaving
  // leader first restarts as it is, and the others elect a leader among themselves meanwhile.
  const modes = await collectStatus(fleet, { service: false });
  if (modes.find((r) => r.name === step.member.name)?.mode === 'leader') {
    const unchanged = inventoryWithMembers(fleet.inventory, step.before);
    await fleet.runStep(leaving, stepId(step), 'hand over leadership', () =>
      restartWithList(fleet, leaving, unchanged, running, timeout),
    );
  }
  // Synced is judged among the servers that stay: the one leaving may not follow a leader elected
  // by servers that no longer list it, and it is stopped next anyway.
  const staying = step.after.map((m) => m.name);
  await rollOneAtATime(fleet, only ? staying.filter((name) => includesName(only, name)) : staying, {
    id: stepId(step),
    voters: step.before.filter((m) => !m.observer).map((m) => m.name),
    work: (host) => restartWithList(fleet, host, listed, staying, timeout),
  });
  if (fleet.failed.length > 0) return;
  const executor = leaving.executor;
  if (!executor) throw leaving.error ?? new Error('not connected');
  await fleet.runStep(leaving, stepId(step), 'stop (its data kept)', async () => {
    await stopServer(executor, fleet.inventory.cluster, await findZookeeperHome(executor), timeout);
    const synced = await waitForSync(
      fleet,
      Date.now() + timeout * 1000,
      step.after.map((m) => m.name),
    );
    return { outcome: 'changed', detail: `stopped; ${synced}` };
  });
}

async function openWithLeaving(
  inventory: Inventory,
  settings: FleetOptions,
): Promise<{ fleet: Fleet; facts: Map<string, MembershipFacts>; rows: HostStatus[] }> {
  let specs = inventory.hosts;
  for (;;) {
    const fleet = await Fleet.open(inventory, settings, specs);
    const facts = new Map<string, MembershipFacts>();
    const [rows] = await Promise.all([
      collectStatus(fleet, { service: false }),
      fleet.eachHostMarkingFailures(async (host, executor) => {
        facts.set(host.spec.name, await probeMembership(executor, inventory.cluster));
      }),
    ]);
    const running = runningMembership(
      rows.map((r) => ({
        name: r.name,
        running: serverUp(r.mode),
        zooCfg: facts.get(r.name)?.zooCfg,
      })),
    );
    const known = new Set(specs.map((s) => s.name.toLowerCase()));
    const leaving = (running?.members ?? []).filter((m) => !known.has(m.name.toLowerCase()));
    if (leaving.length === 0) return { fleet, facts, rows };
    await fleet.close();
    specs = [...specs, ...leaving.map(memberSpec)];
  }
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
    const running = runningMembership(
      rows.map((r) => ({
        name: r.name,
        running: serverUp(r.mode),
        zooCfg: facts.get(r.name)?.zooCfg,
      })),
    );
    if (!running) {
      throw new UsageError(
        'no server runs: there is no running membership to change',
        "zkdeploy install writes the inventory's server list, and zkdeploy start starts them",
      );
    }
    const wanted = wantedMembers(inventory);
    const refusals: Refusal[] = [];
    // Two lists one server apart: a scale stopped midway, whose step this run finishes first.
    const unfinished =
      running.disagree.length > 0
        ? unfinishedStep(
            rows.flatMap((r) => {
              const zooCfg = facts.get(r.name)?.zooCfg;
              return zooCfg === undefined ? [] : [{ name: r.name, members: membersOf(zooCfg) }];
            }),
            wanted,
          )
        : undefined;
    if (running.disagree.length > 0 && !unfinished) {
      refusals.push({
        message: `servers run with different server lists (${running.disagree.join(', ')} differ from the others)`,
        fix: 'bring them to one list first: zkdeploy status shows the drift',
      });
    }
    const from = unfinished ? unfinished.step.after : running.members;
    const { steps: rest, refusals: stepRefusals } = membershipSteps(from, wanted);
    const steps = unfinished ? [unfinished.step, ...rest] : rest;
    refusals.push(...stepRefusals.map((r) => ({ ...r, badInput: true })));
    // Those the unfinished step has still to roll (or start, the server it adds) go first, down or not.
    const resumed = new Set(
      unfinished ? [...unfinished.behind, unfinished.step.member.name].map((n) => n.toLowerCase()) : [],
    );
    for (const member of unfinished ? unfinished.step.before : running.members) {
      if (resumed.has(member.name.toLowerCase())) continue;
      const row = rows.find((r) => r.name.toLowerCase() === member.name.toLowerCase());
      if (!row || !SERVING.includes(row.mode)) {
        refusals.push({
          host: member.name,
          message: `server.${member.myid} is ${row?.mode ?? 'not reached'}: a membership step with a server down could lose the quorum`,
          fix: 'bring it back first (zkdeploy start; zkdeploy status)',
        });
      }
    }
    for (const step of rest.filter((s) => s.kind === 'add')) {
      const found = facts.get(step.member.name);
      const stale = found && staleState(found, step.member.myid);
      if (!found)
        refusals.push({ host: step.member.name, message: 'not reached', fix: 'every host must be reached' });
      else if (stale) {
        refusals.push({
          host: step.member.name,
          message: `${stale}: it would join with state that is not this ensemble's`,
          fix: `move ${inventory.cluster.dataDir} and ${inventory.cluster.dataLogDir} aside on it (or zkdeploy uninstall --purge-data --hosts ${step.member.name}), then scale`,
        });
      }
    }
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
