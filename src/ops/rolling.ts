import { setTimeout as sleep } from 'node:timers/promises';
import { HostError } from '../errors.js';
import type { StepOutcome } from '../plan/step.js';
import type { Fleet, FleetHost } from '../run/fleet.js';
import { quorumOf } from '../zk/health.js';
import { syncedFollowers } from '../zk/mntr.js';
import { collectStatus, type HostStatus } from './ensemble-status.js';
import { askFourLetterWord } from './four-letter.js';

/** Modes in which a voting server counts toward the quorum. */
const IN_QUORUM = ['leader', 'follower', 'standalone'];
/** Modes of a server that answers as part of an ensemble (observers included). */
const SERVING = [...IN_QUORUM, 'observer'];

/**
 * The next host of a rolling change: one whose server is down first (its turn can only add a
 * server), then serving non-leaders (observers too) in inventory order, then hosts that cannot be
 * reached (their turn fails and stops the roll: after the others), the leader only when it is last.
 */
export function nextToRestart(
  remaining: readonly string[],
  modes: ReadonlyMap<string, string>,
): string | undefined {
  const mode = (name: string) => modes.get(name) ?? 'down';
  return (
    remaining.find((name) => !SERVING.includes(mode(name)) && mode(name) !== 'unreachable') ??
    remaining.find((name) => mode(name) !== 'leader' && mode(name) !== 'unreachable') ??
    remaining.find((name) => mode(name) === 'unreachable') ??
    remaining[0]
  );
}

/**
 * Why taking `name` down now would cost the quorum: it serves, and without it fewer than a majority
 * of the voters would. Asked at each turn, from the modes of that moment, not only in a preflight.
 */
export function quorumShortfall(
  name: string,
  modes: ReadonlyMap<string, string>,
  voters: readonly string[],
): string | undefined {
  if (!voters.includes(name) || !IN_QUORUM.includes(modes.get(name) ?? 'down')) return undefined;
  const serving = voters.filter((v) => IN_QUORUM.includes(modes.get(v) ?? 'down'));
  const { majority } = quorumOf(voters.length);
  // One or two servers cannot keep a quorum through any turn: that is their size, not a server down.
  if (serving.length - 1 >= majority || serving.length === voters.length) return undefined;
  const out = voters.filter((v) => !serving.includes(v));
  return `taking ${name} down now would leave ${serving.length - 1} of ${voters.length} servers serving, below the quorum of ${majority}${out.length > 0 ? ` (not serving: ${out.join(', ')})` : ''}`;
}

/**
 * Waits until every host serves again and the leader counts every follower as synced (`mntr`, where
 * the version and whitelist allow; else one leader and all followers serving is enough).
 */
export async function waitForSync(
  fleet: Fleet,
  deadline: number,
  /** The ensemble's servers, when not every host of the fleet (during a membership change). */
  members: readonly string[] = fleet.hosts.map((h) => h.spec.name),
): Promise<string> {
  const observers = fleet.hosts.filter((h) => h.spec.observer && members.includes(h.spec.name)).length;
  const followersWanted = members.length - observers - 1;
  for (;;) {
    const rows = (await collectStatus(fleet, { service: false })).filter((r) => members.includes(r.name));
    const leader = rows.find((r) => r.mode === 'leader');
    const followers = rows.filter((r) => r.mode === 'follower').length;
    const observing = rows.filter((r) => r.mode === 'observer').length;
    if (leader && followers === followersWanted && observing === observers) {
      const executor = fleet.hosts.find((h) => h.spec.name === leader.name)?.executor;
      const answer = executor
        ? await askFourLetterWord(executor, fleet.inventory.cluster.clientPort, 'mntr', 1000)
        : undefined;
      const synced = answer?.listening ? syncedFollowers(answer.reply) : undefined;
      if (synced === undefined) return `leader ${leader.name}, ${followers} followers`;
      if (synced >= followersWanted) return `leader ${leader.name} counts ${synced} synced`;
      fleet.waitingFor(
        `waiting for leader ${leader.name} to count ${followersWanted} synced followers (${synced} now)`,
      );
    } else {
      fleet.waitingFor(
        leader
          ? `waiting for ${followersWanted} followers (${followers} now) under leader ${leader.name}`
          : 'waiting for a leader to be elected',
      );
    }
    if (Date.now() > deadline) throw new Error('the ensemble did not get every follower synced in time');
    await sleep(100);
  }
}

function modesOf(rows: HostStatus[]): Map<string, string> {
  return new Map(rows.map((r) => [r.name, r.mode]));
}

/** One host's turn in a rolling change, and the step it is shown as. */
export interface RollingWork {
  /** The step's id in the summary: restart, upgrade, rollback. */
  id: string;
  /** The voting servers whose quorum each turn must keep (default: the fleet's non-observers). */
  voters?: readonly string[] | undefined;
  /** Taken down even when that costs the quorum (restart --force, for those who accept downtime). */
  force?: boolean | undefined;
  /**
   * One turn. `expected`: the servers to wait for after it, those serving when it began and the host
   * itself (a server that was down before the turn is not waited for: it is its own turn's).
   */
  work: (
    host: FleetHost,
    expected: readonly string[],
  ) => Promise<{ outcome: Exclude<StepOutcome, 'failed'>; detail: string }>;
}

/**
 * Works on the targets one at a time: those not serving first, then followers, the leader last (asked
 * anew before each turn: the leader may move, a server may die). A turn that would take a serving
 * server down below the quorum is refused there. The first failure stops the roll: that host keeps
 * its error and the ones not reached are reported skipped. Returns the order taken.
 */
export async function rollOneAtATime(
  fleet: Fleet,
  targets: string[],
  rolling: RollingWork,
): Promise<string[]> {
  const remaining = [...targets];
  const order: string[] = [];
  const described: string[] = [];
  // By the fleet's own spelling of each name (a zoo.cfg may write LZY-01 as lzy-01): modes use it.
  const fleetName = (name: string) =>
    fleet.hosts.find((h) => h.spec.name.toLowerCase() === name.toLowerCase())?.spec.name ?? name;
  const voters = (rolling.voters ?? fleet.hosts.filter((h) => !h.spec.observer).map((h) => h.spec.name)).map(
    fleetName,
  );
  const skipRest = (at: string) => {
    for (const left of remaining) {
      const skipped = fleet.hosts.find((h) => h.spec.name === left) as FleetHost;
      fleet.record(skipped, {
        id: rolling.id,
        title: rolling.id,
        outcome: 'skipped',
        detail: `not reached: stopped at ${at}`,
      });
    }
  };
  while (remaining.length > 0) {
    const modes = modesOf(await collectStatus(fleet, { service: false }));
    // A dry run changes nothing: the turns it only describes are taken to have brought their server back.
    for (const name of described) if (modes.get(name) !== 'leader') modes.set(name, 'follower');
    const name = nextToRestart(remaining, modes) as string;
    remaining.splice(remaining.indexOf(name), 1);
    const host = fleet.hosts.find((h) => h.spec.name === name) as FleetHost;
    const position = `${order.length + 1}/${targets.length}`;
    const shortfall = rolling.force ? undefined : quorumShortfall(name, modes, voters);
    if (shortfall) {
      // Refused at the turn itself: whatever the preflight saw, servers may have gone down since.
      const message = `${rolling.id} refused here: ${shortfall}`;
      host.error = new HostError(
        name,
        message,
        'bring the servers that are not serving back first (zkdeploy start, zkdeploy status), then run it again',
      );
      fleet.record(host, {
        id: rolling.id,
        title: `${rolling.id} ${position}`,
        outcome: 'failed',
        detail: message,
      });
      skipRest(name);
      break;
    }
    order.push(`${name}${modes.get(name) === 'leader' ? ' (leader)' : ''}`);
    const expected = fleet.hosts
      .map((h) => h.spec.name)
      .filter((other) => other === name || SERVING.includes(modes.get(other) ?? 'down'));
    if (fleet.dryRun) {
      described.push(name);
      fleet.record(host, {
        id: rolling.id,
        title: `${rolling.id} ${position}`,
        outcome: 'changed',
        detail: `would ${rolling.id} (${modes.get(name)})`,
      });
      continue;
    }
    try {
      await fleet.runStep(host, rolling.id, `${rolling.id} ${position} (${modes.get(name)})`, () =>
        rolling.work(host, expected),
      );
    } catch (err: unknown) {
      host.error = err instanceof Error ? err : new Error(String(err));
      skipRest(name);
      break;
    }
  }
  return order;
}
