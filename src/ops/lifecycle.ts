import { setTimeout as sleep } from 'node:timers/promises';
import { HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import type { Argv } from '../remote/become.js';
import { START_UNIT, STOP_UNIT, UNIT_ACTIVE_COMMAND, UNIT_RUNNING } from '../remote/service.js';
import type { HostExecutor } from '../run/executor.js';
import { SERVING_MODES } from '../zk/health.js';
import { parseSrvr } from '../zk/srvr.js';
import { askFourLetterWord } from './four-letter.js';
import { serverAlive, serverLogTail, zkServerScript } from './server-host.js';

const POLL_MS = 100;

/** The server's mode if it serves, else undefined (down, or up without quorum). */
export async function servingMode(executor: HostExecutor, port: number): Promise<string | undefined> {
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
    'read the server log (the .out file in the server log directory)',
  );
}

/**
 * Waits until the server serves, judging by `srvr` and the pid, never by zkServer.sh's word: 3.4.9
 * says STARTED even when Java is missing.
 */
export async function waitUntilServing(
  executor: HostExecutor,
  cluster: ClusterSettings,
  timeoutSeconds: number,
): Promise<string> {
  const began = Date.now();
  const deadline = began + timeoutSeconds * 1000;
  for (let poll = 0; ; poll++) {
    const mode = await servingMode(executor, cluster.clientPort);
    if (mode) return mode;
    executor.progress(
      `waiting for it to serve (srvr): ${Math.round((Date.now() - began) / 1000)}s of ${timeoutSeconds}s`,
    );
    // The pid is checked less often than srvr: each check is a command on a shared, busy host.
    if (poll % 3 === 2 && !(await serverAlive(executor, cluster))) {
      return failWithLog(executor, cluster, 'the server exited during start');
    }
    if (Date.now() > deadline)
      return failWithLog(executor, cluster, `not serving after ${timeoutSeconds}s (--timeout)`);
    await sleep(POLL_MS);
  }
}

/** Privileged commands on this host go through sudo unless the SSH user is root. */
async function asRoot(executor: HostExecutor, argv: Argv): Promise<void> {
  const root = (await executor.probe('id -u')).stdout.trim() === '0';
  await executor.apply({ kind: 'asRoot', commands: [argv], viaSudo: !root });
}

/** How the server runs now: under zkdeploy's systemd unit, or not (zkServer.sh's, or down). */
export async function runsUnderSystemd(executor: HostExecutor): Promise<boolean> {
  return UNIT_RUNNING.has((await executor.probe(UNIT_ACTIVE_COMMAND)).stdout.trim());
}

/**
 * Starts the server the inventory's way: `systemctl start` of zkdeploy's unit, or zkServer.sh start
 * by full path (a non-login SSH shell has no ZOOKEEPER_HOME on its PATH).
 */
export async function startServer(
  executor: HostExecutor,
  cluster: ClusterSettings,
  zookeeperHome: string,
): Promise<void> {
  if (cluster.service === 'systemd') return asRoot(executor, START_UNIT);
  await executor.run(`cd && ${zkServerScript(zookeeperHome)} start`, 'zkServer.sh start', {
    allowFailure: true,
  });
}

/**
 * zkServer.sh stop, confirmed by the client port closing (the script removes its pid file before
 * the JVM has exited). Returns false when there was nothing to stop.
 */
export async function stopServer(
  executor: HostExecutor,
  cluster: ClusterSettings,
  zookeeperHome: string,
  timeoutSeconds: number,
): Promise<boolean> {
  const listening = async () =>
    (await askFourLetterWord(executor, cluster.clientPort, 'srvr', 1000)).listening;
  if (!(await listening()) && !(await serverAlive(executor, cluster))) return false;
  if (executor.dryRun) return true;
  // However the inventory says to run it, a server systemd runs is stopped through systemd: it
  // would restart one stopped behind its back, and zkServer.sh finds no pid file of it.
  if (await runsUnderSystemd(executor)) await asRoot(executor, STOP_UNIT);
  else
    await executor.run(`cd && ${zkServerScript(zookeeperHome)} stop`, 'zkServer.sh stop', {
      allowFailure: true,
    });
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (await listening()) {
    executor.progress(`waiting for client port ${cluster.clientPort} to close`);
    if (Date.now() > deadline) {
      throw new HostError(
        executor.host,
        `client port ${cluster.clientPort} still open ${timeoutSeconds}s after zkServer.sh stop`,
        'a server not started through this release (no pid file) keeps running: find it with `ss -ltnp` on the host',
      );
    }
    await sleep(POLL_MS);
  }
  return true;
}
