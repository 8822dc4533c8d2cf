import { Collector } from '../dashboard/collector.js';
import { newToken, serveDashboard } from '../dashboard/http.js';
import { UsageError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { ensembleName } from '../inventory/memory.js';
import { Fleet } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { type HostOptions, readContext, refuseHostsOption } from './common.js';

export interface DashboardOptions extends HostOptions {
  port?: number;
  interval?: number;
}

/**
 * Serves a live page of the ensemble on 127.0.0.1 behind a token printed here, fed through the SSH
 * connections it opens now; runs until Ctrl-C (exit 130, every connection closed).
 */
export async function dashboard(options: DashboardOptions): Promise<number> {
  refuseHostsOption('dashboard', options.hosts);
  const { inventory, fleet: settings } = readContext(options, { progress: false });
  const fleet = await Fleet.open(inventory, settings);
  let served: Awaited<ReturnType<typeof serveDashboard>>;
  try {
    const collector = new Collector(fleet, ensembleName(inventory.path));
    await collector.sample();
    served = await serveDashboard(collector, {
      port: options.port ?? 0,
      token: newToken(),
      intervalMs: (options.interval ?? 2) * 1000,
    }).catch((err: unknown) => {
      throw portTaken(err, options.port) ?? err;
    });
  } catch (err: unknown) {
    // Open SSH connections would keep the process from ending with the error.
    await fleet.close();
    throw err;
  }
  process.stdout.write(
    `${color.bold('zkdeploy dashboard')} of ${inventory.path}\n` +
      `  open: ${served.url}\n` +
      `  (127.0.0.1 only; the token is the key: anyone with this URL on this machine can look. Ctrl-C ends it.)\n`,
  );
  for (const host of fleet.hosts)
    if (host.error) process.stdout.write(color.yellow(`  ${host.spec.name}: ${host.error.message}\n`));
  await new Promise<void>((resolve) => {
    onInterrupt(async () => {
      await served.close();
      await fleet.close();
      resolve();
    });
  });
  return 130;
}

/** The port asked for is taken on 127.0.0.1: the user's to change, as a wrong flag is. */
function portTaken(err: unknown, port: number | undefined): UsageError | undefined {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') return undefined;
  return new UsageError(
    `dashboard: 127.0.0.1:${port} is already in use by another program`,
    'choose another --port, or leave --port out for a free one',
  );
}
