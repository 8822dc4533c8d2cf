import { HostError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import { startServer, stopServer, waitUntilServing } from '../ops/lifecycle.js';
import { rollOneAtATime, waitForSync } from '../ops/rolling.js';
import { findZookeeperHome } from '../ops/server-host.js';
import { hostPaths } from '../plan/probe.js';
import { renderZooCfg } from '../render/zoo-cfg.js';
import { Fleet, type FleetHost, type FleetOptions } from '../run/fleet.js';
import { planHost } from '../run/plan-host.js';
import type { ReleaseTarball } from '../tarball/inspect.js';
import { inventoryWithMembers, memberSpec, runningMembership, serverUp } from './current.js';
import { type MembershipFacts, probeMembership } from './host-state.js';
import type { MembershipStep } from './steps.js';

// Scale's steps: one server in or out, each server rolled onto the step's list, as scale runs them
// once its preflight (membership/scale-preflight.ts) passed.

/** Host names compare as DNS does: whatever their case. */
const includesName = (names: readonly string[], name: string) =>
  names.some((n) => n.toLowerCase() === name.toLowerCase());

/** The step's column in the summary: +LZY-06 for a server coming in, -LZY-07 for one going out. */
export const stepId = (step: MembershipStep) => `${step.kind === 'add' ? '+' : '-'}${step.member.name}`;

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
export async function addServer(
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
export async function removeServer(
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

export async function openWithLeaving(
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
