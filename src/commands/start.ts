import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import type { HostExecutor } from '../run/executor.js';
import { Fleet } from '../run/fleet.js';
import { stepSummary } from '../ui/summary.js';
import { askFourLetterWord } from '../zk/four-letter.js';
import { judgeHealth, SERVING_MODES } from '../zk/health.js';
import { findZookeeperHome, serverAlive, serverLogTail } from '../zk/server-host.js';
import { parseSrvr } from '../zk/srvr.js';
import { fleetOptions, type HostOptions, inventoryFrom } from './common.js';
import { collectStatus, renderStatus } from './status.js';

export interface StartOptions extends HostOptions {
  /** Seconds to wait for every server to serve. */
  timeout?: number;
}

const POLL_MS = 100;

/** The server's mode if it serves, else undefined (down, or up without quorum). */
async function servingMode(executor: HostExecutor, port: number): Promise<string | undefined> {
  // A short read timeout: something else on the port may accept and never answer.
  const answer = await askFourLetterWord(executor, port, 'srvr', 1000);
  if (!answer.listening) return undefined;
  const mode = parseSrvr(answer.reply).mode;
  return mode && SERVING_MODES.includes(mode) ? mode : undefined;
}

async function failWithLog(
  executor: HostExecutor,
  cluster: ClusterSettings,
  message: string,
): Promise<never> {
  const tail = await serverLogTail(executor, cluster);
  const log = tail ? `\n    last lines of the server log:\n      ${tail.split('\n').join('\n      ')}` : '';
  throw new HostError(
    executor.host,
    `${message}${log}`,
    'read the server log (zkdeploy logs, or the .out file in the server log directory)',
  );
}

/**
 * Waits until the server serves, judging by `srvr` and the pid, never by zkServer.sh's word: 3.4.9
 * says STARTED even when Java is missing.
 */
async function waitUntilServing(
  executor: HostExecutor,
  cluster: ClusterSettings,
  timeoutSeconds: number,
): Promise<string> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (let poll = 0; ; poll++) {
    const mode = await servingMode(executor, cluster.clientPort);
    if (mode) return mode;
    // The pid is checked less often than srvr: each check is a command on a shared, busy host.
    if (poll % 3 === 2 && !(await serverAlive(executor, cluster))) {
      return failWithLog(executor, cluster, 'the server exited during start');
    }
    if (Date.now() > deadline) {
      return failWithLog(executor, cluster, `not serving after ${timeoutSeconds}s (--timeout)`);
    }
    await sleep(POLL_MS);
  }
}

/** zkServer.sh start on every host at once, then wait until the ensemble has a quorum and every host a mode. */
export async function start(options: StartOptions): Promise<number> {
  const inventory = inventoryFrom(options);
  const { cluster } = inventory;
  const fleet = await Fleet.open(inventory, fleetOptions(options));
  let rows: Awaited<ReturnType<typeof collectStatus>> = [];
  try {
    await fleet.each(async (host, executor) => {
      await fleet.runStep(host, 'start', 'zkServer.sh start', async () => {
        const home = await findZookeeperHome(executor);
        const running = await servingMode(executor, cluster.clientPort);
        if (running) return { outcome: 'unchanged', detail: `already running, ${running}` };
        const alive = await serverAlive(executor, cluster);
        if (!alive) {
          // By full path: a non-login SSH shell has no ZOOKEEPER_HOME on its PATH.
          await executor.run(`cd && ${home}/bin/zkServer.sh start`, 'zkServer.sh start', {
            allowFailure: true,
          });
        }
        const mode = await waitUntilServing(executor, cluster, options.timeout ?? 60);
        return alive
          ? { outcome: 'unchanged', detail: `already running, now ${mode}` }
          : { outcome: 'changed', detail: `started, ${mode}` };
      });
    });
    rows = await collectStatus(fleet);
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary('start', fleet));
  const health = judgeHealth(rows.map((r) => r.mode));
  process.stdout.write(`\n${renderStatus(rows, health)}`);
  return fleet.failed.length > 0 ? ExitCode.failed : ExitCode.ok;
}
