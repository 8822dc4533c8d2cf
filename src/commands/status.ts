import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, UsageError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { driftProbeLines, hostConfig, judgeDrift } from '../ops/config-drift.js';
import { diskFreeCommand, parseDf } from '../ops/disk-free.js';
import { collectStatus, type HostStatus, serviceOf } from '../ops/ensemble-status.js';
import { findZookeeperHome, zkServerScript } from '../ops/server-host.js';
import { parseSections } from '../remote/sections.js';
import { UNIT_ACTIVE_COMMAND, UNIT_RUNNING } from '../remote/service.js';
import { Fleet } from '../run/fleet.js';
import { lockHolder } from '../run/lock.js';
import { color } from '../ui/colors.js';
import { renderStatus } from '../ui/status-view.js';
import { judgeHealth } from '../zk/health.js';
import { parseStatusOutput } from '../zk/srvr.js';
import { type HostOptions, type RunContext, readContext } from './common.js';

export interface StatusOptions extends HostOptions {
  json?: boolean;
  raw?: boolean;
  watch?: boolean;
  interval?: number;
}

async function rawStatus(fleet: Fleet): Promise<HostStatus[]> {
  const rows: HostStatus[] = fleet.hosts.map((h) => ({
    name: h.spec.name,
    myid: h.spec.myid,
    mode: 'unreachable',
  }));
  const outputs = new Map<string, string>();
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    const home = await findZookeeperHome(executor);
    const result = await executor.probe(`${zkServerScript(home)} status`);
    const row = rows.find((r) => r.name === host.spec.name);
    if (row) row.mode = parseStatusOutput(result.stdout) ?? 'not-serving';
    outputs.set(host.spec.name, `${result.stdout}${result.stderr}`);
  });
  for (const host of fleet.hosts) {
    const output = outputs.get(host.spec.name) ?? `${host.error?.message ?? 'no answer'}\n`;
    process.stdout.write(`${color.bold(`== ${host.spec.name} ==`)}\n${output}`);
  }
  return rows;
}

/** An upgrade or rollback under way: servers may run different releases meanwhile, and that is no drift. */
const rollingCommand = (holder: { command: string } | undefined) =>
  holder && ['upgrade', 'rollback'].includes(holder.command) ? holder.command : undefined;

/**
 * Every host's row, with drift and free disk: one status table's worth of probes. Besides srvr
 * (over the connection), one remote command per host reports how the server runs, its files and
 * its free disk: each command is a round trip, and a process on the host.
 */
async function collectAll(
  fleet: Fleet,
  inventory: RunContext['inventory'],
  rolling: string | undefined,
): Promise<{ rows: HostStatus[]; drift: { host: string; message: string }[] }> {
  const script = [
    `echo @@service; ${UNIT_ACTIVE_COMMAND}`,
    `echo @@df; ${diskFreeCommand(inventory.cluster)}`,
    ...driftProbeLines(inventory.cluster),
  ].join('\n');
  const found = new Map<string, Map<string, string>>();
  const [rows] = await Promise.all([
    collectStatus(fleet, { service: false }),
    fleet.eachHostMarkingFailures(async (host, executor) => {
      found.set(host.spec.name, parseSections((await executor.probe(script)).stdout));
    }),
  ]);
  for (const row of rows) {
    const sections = found.get(row.name);
    if (!sections) continue;
    row.service = serviceOf(UNIT_RUNNING.has(sections.get('service') ?? ''), row.mode !== 'down');
    row.disk = parseDf(sections.get('df') ?? '');
  }
  const configs = fleet.hosts.flatMap((host) => {
    const sections = found.get(host.spec.name);
    return sections ? [hostConfig(sections, inventory, host.spec)] : [];
  });
  return { rows, drift: judgeDrift(fleet, configs, rolling) };
}

const driftText = (drift: { host: string; message: string }[]) =>
  drift.length === 0
    ? ''
    : `\n${color.yellow('drift:')}\n${drift.map((d) => color.yellow(`  ${d.host}: ${d.message}`)).join('\n')}\n`;

/**
 * The status table again every `interval` seconds until Ctrl-C (exit 130). On a terminal it is
 * redrawn in place, what changed since the last one marked, the cursor shown again at the end;
 * elsewhere (a pipe, a log) one table after another, each under its time.
 */
async function watchStatus(
  fleet: Fleet,
  inventory: RunContext['inventory'],
  intervalSeconds: number,
): Promise<never> {
  const terminal = process.stdout.isTTY === true;
  let previous: HostStatus[] | undefined;
  let drawn = 0;
  if (terminal) process.stdout.write('\x1b[?25l');
  onInterrupt(() => {
    if (terminal) process.stdout.write('\x1b[?25h');
  });
  for (;;) {
    const holder = lockHolder(inventory.path);
    const header = color.dim(`${new Date().toLocaleTimeString()}  every ${intervalSeconds}s, Ctrl-C to stop`);
    let text: string;
    try {
      const { rows, drift } = await collectAll(fleet, inventory, rollingCommand(holder));
      const health = judgeHealth(
        rows.map((r) => r.mode),
        inventory.hosts.length,
      );
      const operation = holder ? color.yellow(`${holder.command} in progress (pid ${holder.pid})\n`) : '';
      text = `${header}\n${renderStatus(rows, health, previous)}${operation}${driftText(drift)}`;
      previous = rows;
    } catch (err: unknown) {
      // A connection lost mid-watch is shown, and the watch goes on: it is what one watches for.
      text = `${header}\n${color.red(`no table this time: ${err instanceof Error ? err.message : String(err)}`)}\n`;
    }
    // Up to the first line of the table drawn last, and everything below it cleared.
    if (terminal && drawn > 0) process.stdout.write(`\x1b[${drawn}F\x1b[J`);
    process.stdout.write(terminal ? text : `${text}\n`);
    drawn = text.split('\n').length - 1;
    await sleep(intervalSeconds * 1000);
  }
}

/** Every host's mode, and whether the ensemble is healthy: exit 0 when it is, 2 when not. */
export async function status(options: StatusOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = readContext(options, { progress: false });
  if (options.watch && (options.json || options.raw)) {
    throw new UsageError('--watch draws the table: not with --json or --raw', 'drop one of them');
  }
  const holder = lockHolder(inventory.path);
  const rolling = rollingCommand(holder) ? holder : undefined;
  const fleet = await Fleet.open(inventory, settings, hosts);
  if (options.watch) {
    onInterrupt(() => fleet.close());
    return watchStatus(fleet, inventory, options.interval ?? 2);
  }
  let rows: HostStatus[];
  let drift: { host: string; message: string }[] = [];
  try {
    if (options.raw) rows = await rawStatus(fleet);
    else ({ rows, drift } = await collectAll(fleet, inventory, rolling?.command));
  } finally {
    await fleet.close();
  }
  const health = judgeHealth(
    rows.map((r) => r.mode),
    inventory.hosts.length,
  );
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ healthy: health.healthy, summary: health.summary, quorumSize: health.quorumSize, hosts: rows, drift }, null, 2)}\n`,
    );
  } else if (options.raw) {
    process.stdout.write(`\n${health.healthy ? color.green(health.summary) : color.red(health.summary)}\n`);
  } else {
    process.stdout.write(renderStatus(rows, health));
    if (rolling)
      process.stdout.write(
        `\n${color.yellow(`${rolling.command} in progress (pid ${rolling.pid}): the servers may run different releases meanwhile`)}\n`,
      );
    process.stdout.write(driftText(drift));
  }
  return health.healthy ? ExitCode.ok : ExitCode.no;
}
