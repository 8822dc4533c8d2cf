import { ExitCode } from '../errors.js';
import { collectDrift } from '../ops/config-drift.js';
import { type DiskFree, diskFree } from '../ops/disk-free.js';
import { collectStatus, type HostStatus } from '../ops/ensemble-status.js';
import { findZookeeperHome, zkServerScript } from '../ops/server-host.js';
import { Fleet } from '../run/fleet.js';
import { lockHolder } from '../run/lock.js';
import { color } from '../ui/colors.js';
import { renderStatus } from '../ui/status-view.js';
import { judgeHealth } from '../zk/health.js';
import { parseStatusOutput } from '../zk/srvr.js';
import { type HostOptions, readContext } from './common.js';

export interface StatusOptions extends HostOptions {
  json?: boolean;
  raw?: boolean;
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

/** Every host's mode, and whether the ensemble is healthy: exit 0 when it is, 2 when not. */
export async function status(options: StatusOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = readContext(options, { progress: false });
  const holder = lockHolder(inventory.path);
  const rolling = holder && ['upgrade', 'rollback'].includes(holder.command) ? holder : undefined;
  const fleet = await Fleet.open(inventory, settings, hosts);
  let rows: HostStatus[];
  let drift: { host: string; message: string }[] = [];
  try {
    if (options.raw) rows = await rawStatus(fleet);
    else {
      const disks = new Map<string, DiskFree | undefined>();
      [rows, drift] = await Promise.all([
        collectStatus(fleet),
        collectDrift(fleet, rolling?.command),
        Promise.all(
          fleet.hosts.map(async (host) => {
            if (host.executor)
              disks.set(
                host.spec.name,
                await diskFree(host.executor, inventory.cluster).catch(() => undefined),
              );
          }),
        ),
      ]);
      for (const row of rows) row.disk = disks.get(row.name);
    }
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
    if (drift.length > 0) {
      const lines = drift.map((d) => color.yellow(`  ${d.host}: ${d.message}`));
      process.stdout.write(`\n${color.yellow('drift:')}\n${lines.join('\n')}\n`);
    }
  }
  return health.healthy ? ExitCode.ok : ExitCode.no;
}
