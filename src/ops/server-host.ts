import { HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import { checkedHostPath } from '../remote/safe-values.js';
import { UNIT_MARK, UNIT_PATH, UNIT_RUNNING_TEST } from '../remote/service.js';
import type { HostExecutor } from '../run/executor.js';

/** Prints ZOOKEEPER_HOME from zkdeploy's block in ~/.bash_profile (nothing when there is none). */
export const ZOOKEEPER_HOME_COMMAND = `awk '/^# BEGIN zkdeploy/{b=1} b && /^ZOOKEEPER_HOME=/{sub(/^ZOOKEEPER_HOME=/, ""); print; exit}' ~/.bash_profile 2>/dev/null`;

/**
 * The release directory install set up on a host: ZOOKEEPER_HOME from zkdeploy's block in
 * ~/.bash_profile, the guide's own record of it.
 */
export async function findZookeeperHome(executor: HostExecutor): Promise<string> {
  const home = (await executor.probe(ZOOKEEPER_HOME_COMMAND)).stdout.trim();
  if (!home) {
    throw new HostError(
      executor.host,
      'ZooKeeper is not installed here by zkdeploy (no ZOOKEEPER_HOME in ~/.bash_profile)',
      'run zkdeploy install first',
    );
  }
  return checkedHostPath(
    executor.host,
    home,
    'ZOOKEEPER_HOME in ~/.bash_profile',
    'restore the zkdeploy block in ~/.bash_profile (zkdeploy install rewrites it), or fix it by hand',
  );
}

/** zkServer.sh of a release directory, as a shell word. */
export function zkServerScript(zookeeperHome: string): string {
  return shellQuote(`${zookeeperHome}/bin/zkServer.sh`);
}

/**
 * A shell test that is true while the server's JVM is alive: from zkServer.sh's pid file, or while
 * systemd runs zkdeploy's unit (start-foreground writes no pid file), restarts included.
 */
export function serverAliveTest(cluster: ClusterSettings): string {
  const pidFile = shellPath(`${cluster.dataDir}/zookeeper_server.pid`);
  return `{ { [ -f ${pidFile} ] && kill -0 "$(cat ${pidFile})" 2>/dev/null; } || { ${UNIT_RUNNING_TEST}; }; }`;
}

/**
 * A shell test true where a ZooKeeper is set up, running or not: zkdeploy's ZOOKEEPER_HOME, a myid in
 * the data directory, or a zookeeper.service (ours or not). Such a server may start at any moment
 * (systemd restarting it, a reboot, an operator), so nothing else may hold its ports even briefly.
 */
export function serverInstalledTest(cluster: ClusterSettings): string {
  const myid = shellPath(`${cluster.dataDir}/myid`);
  return `{ [ -n "$(${ZOOKEEPER_HOME_COMMAND})" ] || [ -e ${myid} ] || [ -e ${shellQuote(UNIT_PATH)} ]; }`;
}

/**
 * A shell test true only while a server zkdeploy started runs: the pid file in our data directory
 * names a live process, or systemd runs a zookeeper.service that is zkdeploy's own unit. Whatever
 * else answers on the client port (a distribution's package, another team's server) is not ours.
 */
export function ourServerAliveTest(cluster: ClusterSettings): string {
  const pidFile = shellPath(`${cluster.dataDir}/zookeeper_server.pid`);
  return `{ { [ -f ${pidFile} ] && kill -0 "$(cat ${pidFile})" 2>/dev/null; } || { ${UNIT_RUNNING_TEST} && [ "$(head -n 1 ${shellQuote(UNIT_PATH)} 2>/dev/null)" = ${shellQuote(UNIT_MARK)} ]; }; }`;
}

/** Whether the server's JVM is alive on a host. */
export async function serverAlive(executor: HostExecutor, cluster: ClusterSettings): Promise<boolean> {
  return (await executor.probe(serverAliveTest(cluster))).code === 0;
}

/**
 * What the server's own log (the newest .out file in the server log directory) says went wrong: its
 * last error lines (a Java stack's cause, not its frames), then its last lines.
 */
export async function serverLogTail(
  executor: HostExecutor,
  cluster: ClusterSettings,
  lines = 4,
): Promise<string> {
  const dir = shellPath(cluster.serverLogDir);
  const result = await executor.probe(
    `f=$(ls -t ${dir}/*.out 2>/dev/null | head -n1); [ -n "$f" ] || exit 0; ` +
      `tail -n 300 "$f" | grep -E 'ERROR|FATAL|Exception|Error:' | grep -v '^[[:space:]]*at ' | tail -n ${lines}; ` +
      `echo ...; tail -n 2 "$f"`,
  );
  return result.stdout.trim();
}
