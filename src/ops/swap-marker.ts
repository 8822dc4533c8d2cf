import { HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import type { Fleet } from '../run/fleet.js';

/**
 * A swap of every server's data (restore, a restoring rollback) under way: written on every host
 * before the first server stops, removed once every server runs the swapped data. While one is on any
 * host, `start` refuses: a server left with its old data could win the election and undo the swap.
 */
export const swapMarkerPath = (installDir: string) => `${installDir}/.zkdeploy-swap`;

/** The marker's shell section for a probe: its text, or nothing. */
export const swapMarkerSection = (cluster: ClusterSettings) =>
  `echo @@swap; cat -- ${shellPath(swapMarkerPath(cluster.installDir))} 2>/dev/null | head -n 1`;

/** Marks every host of the fleet; one that cannot be marked stops the command before anything else. */
export async function markSwapBegun(fleet: Fleet, what: string, rerun: string): Promise<void> {
  const text = `${what} began ${new Date().toISOString()}; not finished until \`${rerun}\` ends`;
  await Promise.all(
    fleet.hosts.map(async (host) => {
      const executor = host.executor;
      if (!executor) throw host.error ?? new HostError(host.spec.name, 'not connected');
      const path = shellPath(swapMarkerPath(fleet.inventory.cluster.installDir));
      await executor.run(`printf '%s\\n' ${shellQuote(text)} > ${path}`, 'marking the swap');
    }),
  );
}

/** Clears the marker on every host: the swap is done everywhere. */
export async function clearSwapMarks(fleet: Fleet): Promise<void> {
  await fleet.eachHostMarkingFailures(async (_host, executor) => {
    await executor.run(
      `rm -f -- ${shellPath(swapMarkerPath(fleet.inventory.cluster.installDir))}`,
      'clearing the swap mark',
    );
  });
}
