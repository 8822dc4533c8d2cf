import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, UsageError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { driftProbeLines, hostConfig, judgeDrift } from '../ops/config-drift.js';
import { diskFreeCommand, parseDf } from '../ops/disk-free.js';
import { collectStatus, type HostStatus, serviceOf } from '../ops/ensemble-status.js';
import { findZookeeperHome, zkServerScript } from '../ops/server-host.js';
import { swapMarkerSection } from '../ops/swap-marker.js';
import { shellPath } from '../remote/quote.js';
import { parseSections } from '../remote/sections.js';
import { UNIT_ACTIVE_COMMAND, UNIT_RUNNING } from '../remote/service.js';
import { Fleet } from '../run/fleet.js';
import { ensembleJournalPath, ensembleLockPath, journalOf } from '../run/host-lock.js';
import { judgeHolder, lockHolder } from '../run/lock.js';
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
): Promise<{ rows: HostStatus[]; drift: Said[]; underway: Said[]; swapping: boolean }> {
  const script = [
    `echo @@service; ${UNIT_ACTIVE_COMMAND}`,
    `echo @@df; ${diskFreeCommand(inventory.cluster)}`,
    swapMarkerSection(inventory.cluster),
    `echo @@lock; head -c 4096 -- ${shellPath(ensembleLockPath(inventory.cluster.installDir))} 2>/dev/null`,
    `echo @@journal; tail -n 60 -- ${shellPath(ensembleJournalPath(inventory.cluster.installDir))} 2>/dev/null`,
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
  // A restore or restoring rollback that did not finish (its swap's mark): what it left, said on every look.
  const swaps = fleet.hosts.flatMap((host) => {
    const mark = found.get(host.spec.name)?.get('swap')?.trim();
    return mark
      ? [
          {
            host: host.spec.name,
            message: `a data swap under way (${mark}): start and restart refuse until it ends`,
          },
        ]
      : [];
  });
  const locks = fleet.hosts.flatMap((host) => {
    const sections = found.get(host.spec.name);
    const text = sections?.get('lock')?.trim();
    return text ? [{ host: host.spec.name, text, journal: sections?.get('journal') ?? '' }] : [];
  });
  return {
    rows,
    drift: judgeDrift(fleet, configs, rolling),
    underway: [...swaps, ...lockLines(locks)],
    swapping: swaps.length > 0,
  };
}

/**
 * Who holds the ensemble's lock on its hosts, as each host keeps it: a run at work now (from here or
 * another machine), or one that ended without giving it back (killed, a dead laptop): what it was
 * doing is what it left half done, and its next run continues.
 */
function lockLines(locks: { host: string; text: string; journal: string }[]): Said[] {
  const byText = new Map<string, string[]>();
  for (const { host, text } of locks) byText.set(text, [...(byText.get(text) ?? []), host]);
  const lines = [...byText].map(([text, hosts]) => {
    const judged = judgeHolder(text);
    const host = hosts.join(', ');
    if (judged.kind === 'unreadable')
      return { host, message: "a lock that names no zkdeploy run (the ensemble's lock)" };
    const { owner } = judged;
    const who = `\`zkdeploy ${owner.command ?? '?'}\` (pid ${owner.pid ?? '?'}${judged.kind === 'elsewhere' ? ` on ${owner.host ?? '?'}` : ''}, since ${owner.since ?? '?'})`;
    if (judged.kind === 'stale')
      return {
        host,
        message: `${who} ended without finishing here (killed?): its lock is left; run it again to continue`,
      };
    return {
      host,
      message: `${who} holds the ensemble's lock: at work now${judged.kind === 'elsewhere' ? ', or gone without giving it back' : ''}`,
    };
  });
  // Where that run is, or stopped, on each host: its last step in the host's journal.
  const steps = locks.flatMap(({ host, text, journal }) => {
    const judged = judgeHolder(text);
    const token = judged.kind === 'unreadable' ? undefined : judged.owner.token;
    const last = token ? journalOf(journal, token).at(-1) : undefined;
    if (!last) return [];
    const when = last.at.slice(11, 19);
    return [
      {
        host,
        message:
          last.event === 'begun'
            ? `its last step here: ${last.title}, begun ${when}, not ended`
            : `its last step here: ${last.title}, ended ${when} (${last.outcome ?? '?'})`,
      },
    ];
  });
  return [...lines, ...steps];
}

type Said = { host: string; message: string };
const saidText = (title: string, said: Said[]) =>
  said.length === 0
    ? ''
    : `\n${color.yellow(`${title}:`)}\n${said.map((d) => color.yellow(`  ${d.host}: ${d.message}`)).join('\n')}\n`;
const driftText = (drift: Said[], underway: Said[]) =>
  `${saidText('drift', drift)}${saidText('left by a command, or under way', underway)}`;

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
      const { rows, drift, underway } = await collectAll(fleet, inventory, rollingCommand(holder));
      const health = judgeHealth(
        rows.map((r) => r.mode),
        inventory.hosts.length,
      );
      const operation = holder ? color.yellow(`${holder.command} in progress (pid ${holder.pid})\n`) : '';
      text = `${header}\n${renderStatus(rows, health, previous)}${operation}${driftText(drift, underway)}`;
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
  let drift: Said[] = [];
  let underway: Said[] = [];
  let swapping = false;
  try {
    if (options.raw) rows = await rawStatus(fleet);
    else ({ rows, drift, underway, swapping } = await collectAll(fleet, inventory, rolling?.command));
  } finally {
    await fleet.close();
  }
  const health = judgeHealth(
    rows.map((r) => r.mode),
    inventory.hosts.length,
  );
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ healthy: health.healthy, summary: health.summary, quorumSize: health.quorumSize, hosts: rows, drift, underway }, null, 2)}\n`,
    );
  } else if (options.raw) {
    process.stdout.write(`\n${health.healthy ? color.green(health.summary) : color.red(health.summary)}\n`);
  } else {
    process.stdout.write(renderStatus(rows, health));
    if (rolling)
      process.stdout.write(
        `\n${color.yellow(`${rolling.command} in progress (pid ${rolling.pid}): the servers may run different releases meanwhile`)}\n`,
      );
    process.stdout.write(driftText(drift, underway));
  }
  return health.healthy && !swapping ? ExitCode.ok : ExitCode.no;
}
