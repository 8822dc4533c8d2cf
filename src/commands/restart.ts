import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, HostError, ZkdeployError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import type { Inventory } from '../inventory/types.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import { askFourLetterWord } from '../ops/four-letter.js';
import { startServer, stopServer, waitUntilServing } from '../ops/lifecycle.js';
import { findZookeeperHome } from '../ops/server-host.js';
import { Fleet, type FleetHost } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { renderStatus } from '../ui/status-view.js';
import { stepSummary } from '../ui/summary.js';
import { judgeHealth } from '../zk/health.js';
import { syncedFollowers } from '../zk/mntr.js';
import { exitCodeOf, type HostOptions, lockedContext } from './common.js';

export interface RestartOptions extends HostOptions {
  timeout?: number;
  force?: boolean;
  /** All at once, for those who accept downtime (--parallel). */
  parallel?: boolean;
}

/** The next host of a rolling restart: a non-leader in inventory order, the leader only when it is the last. */
export function nextToRestart(
  remaining: readonly string[],
  modes: ReadonlyMap<string, string>,
): string | undefined {
  return remaining.find((name) => modes.get(name) !== 'leader') ?? remaining[0];
}

/**
 * Waits until every host serves again and the leader counts every follower as synced (`mntr`, where
 * the version and whitelist allow; else one leader and all followers serving is enough).
 */
async function waitForSync(fleet: Fleet, deadline: number): Promise<string> {
  const followersWanted = fleet.hosts.length - 1;
  for (;;) {
    const rows = await collectStatus(fleet);
    const leader = rows.find((r) => r.mode === 'leader');
    const followers = rows.filter((r) => r.mode === 'follower').length;
    if (leader && followers === followersWanted) {
      const executor = fleet.hosts.find((h) => h.spec.name === leader.name)?.executor;
      const answer = executor
        ? await askFourLetterWord(executor, fleet.inventory.cluster.clientPort, 'mntr', 1000)
        : undefined;
      const synced = answer?.listening ? syncedFollowers(answer.reply) : undefined;
      if (synced === undefined) return `leader ${leader.name}, ${followers} followers`;
      if (synced >= followersWanted) return `leader ${leader.name} counts ${synced} synced`;
    }
    if (Date.now() > deadline) throw new Error('the ensemble did not get every follower synced in time');
    await sleep(100);
  }
}

async function restartOne(fleet: Fleet, host: FleetHost, timeoutSeconds: number): Promise<string> {
  const executor = host.executor;
  if (!executor) throw host.error ?? new Error('not connected');
  const { cluster } = fleet.inventory;
  const began = Date.now();
  const home = await findZookeeperHome(executor);
  await stopServer(executor, cluster, home, timeoutSeconds);
  await startServer(executor, cluster, home);
  const mode = await waitUntilServing(executor, cluster, timeoutSeconds);
  const synced = await waitForSync(fleet, began + timeoutSeconds * 1000).catch((err: unknown) => {
    throw new HostError(
      host.spec.name,
      `back as ${mode}, but ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  return `back as ${mode} in ${((Date.now() - began) / 1000).toFixed(1)}s; ${synced}`;
}

function modesOf(rows: HostStatus[]): Map<string, string> {
  return new Map(rows.map((r) => [r.name, r.mode]));
}

async function rolling(fleet: Fleet, targets: string[], options: RestartOptions): Promise<string[]> {
  const remaining = [...targets];
  const order: string[] = [];
  while (remaining.length > 0) {
    const modes = modesOf(await collectStatus(fleet));
    const name = nextToRestart(remaining, modes) as string;
    remaining.splice(remaining.indexOf(name), 1);
    const host = fleet.hosts.find((h) => h.spec.name === name) as FleetHost;
    const position = `${order.length + 1}/${targets.length}`;
    order.push(`${name}${modes.get(name) === 'leader' ? ' (leader)' : ''}`);
    if (options.dryRun) {
      fleet.record(host, {
        id: 'restart',
        title: `restart ${position}`,
        outcome: 'changed',
        detail: `would restart (${modes.get(name)})`,
      });
      continue;
    }
    try {
      await fleet.runStep(host, 'restart', `restart ${position} (${modes.get(name)})`, async () => ({
        outcome: 'changed',
        detail: await restartOne(fleet, host, options.timeout ?? 60),
      }));
    } catch (err: unknown) {
      host.error = err instanceof Error ? err : new Error(String(err));
      for (const left of remaining) {
        const skipped = fleet.hosts.find((h) => h.spec.name === left) as FleetHost;
        fleet.record(skipped, {
          id: 'restart',
          title: 'restart',
          outcome: 'skipped',
          detail: `not restarted: aborted at ${name}`,
        });
      }
      break;
    }
  }
  return order;
}

async function allAtOnce(fleet: Fleet, targets: string[], options: RestartOptions): Promise<void> {
  const { cluster } = fleet.inventory;
  const chosen = fleet.hosts.filter((h) => targets.includes(h.spec.name));
  const timeout = options.timeout ?? 60;
  const homes = new Map<string, string>();
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    if (!chosen.includes(host)) return;
    homes.set(host.spec.name, await findZookeeperHome(executor));
    await stopServer(executor, cluster, homes.get(host.spec.name) as string, timeout);
  });
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    if (!chosen.includes(host)) return;
    await fleet.runStep(host, 'restart', 'restart (all at once)', async () => {
      if (executor.dryRun) return { outcome: 'changed', detail: 'would restart' };
      await startServer(executor, cluster, homes.get(host.spec.name) as string);
      return { outcome: 'changed', detail: `back as ${await waitUntilServing(executor, cluster, timeout)}` };
    });
  });
}

function refuseUnhealthy(inventory: Inventory, rows: HostStatus[]): never {
  const health = judgeHealth(
    rows.map((r) => r.mode),
    inventory.hosts.length,
  );
  process.stdout.write(renderStatus(rows, health));
  throw new ZkdeployError(
    `restart refused: the ensemble is not healthy (${health.summary})`,
    ExitCode.failed,
    'bring it back first (zkdeploy start, zkdeploy status), or pass --force to restart anyway',
  );
}

/**
 * Rolling restart: one host at a time, followers first, the leader last (found when its turn
 * comes); each must serve again and be synced before the next stops. --parallel: all at once.
 */
export async function restart(options: RestartOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = lockedContext('restart', options);
  const targets = hosts.map((h) => h.name);
  // Every host is connected, whatever --hosts says: the leader and the quorum are the ensemble's.
  const fleet = await Fleet.open(inventory, settings);
  let order: string[] = [];
  // Ctrl-C may come between a server's stop and its start: say how to bring it back.
  const unregister = onInterrupt(() => {
    process.stderr.write(
      'zkdeploy: restart interrupted: a server may be left stopped; `zkdeploy start` brings it back (then `zkdeploy status`)\n',
    );
  });
  try {
    if (fleet.failed.length > 0 && !options.force) {
      throw new ZkdeployError(
        `restart refused: ${fleet.failed.map((h) => h.error?.message).join('; ')}`,
        ExitCode.failed,
        'reach every host first, or pass --force',
      );
    }
    const before = await collectStatus(fleet);
    if (!judgeHealth(before.map((r) => r.mode)).healthy && !options.force) refuseUnhealthy(inventory, before);
    if (options.parallel) await allAtOnce(fleet, targets, options);
    else order = await rolling(fleet, targets, options);
  } finally {
    unregister();
    await fleet.close();
  }
  if (order.length > 0) process.stdout.write(`${color.bold('order:')} ${order.join(' → ')}\n\n`);
  process.stdout.write(stepSummary(options.dryRun ? 'restart --dry-run' : 'restart', fleet));
  return exitCodeOf(fleet, options.dryRun);
}
