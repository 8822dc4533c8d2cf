import { HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import type { Fleet } from '../run/fleet.js';
import { stopStep } from './stop-step.js';

/**
 * A swap of every server's data (restore, a restoring rollback) under way: written on every host
 * before the first server stops, removed once every server runs the swapped data. While one is on any
 * host, `start` refuses: a server left with its old data could win the election and undo the swap.
 */
export const swapMarkerPath = (installDir: string) => `${installDir}/.zkdeploy-swap`;

/** The marker's shell section for a probe: its first line, or nothing when there is no mark. */
export const swapMarkerSection = (cluster: Pick<ClusterSettings, 'installDir'>) => {
  const path = shellPath(swapMarkerPath(cluster.installDir));
  // Being there is what counts (a power cut may leave it empty).
  return `echo @@swap; if [ -e ${path} ]; then l=$(head -n 1 -- ${path} 2>/dev/null); printf '%s\\n' "\${l:-a data swap began}"; fi`;
};

/** The way out of a mark that is stale for certain. */
export const CLEAR_MARK_BY_HAND =
  "only if no server's data was swapped yet (the last run's summary has no restore step changed), remove <installDir>/.zkdeploy-swap on each host instead";

/** Marks every host of the fleet; one that cannot be marked stops the command, and no mark stays. */
export async function markSwapBegun(fleet: Fleet, what: string, rerun: string): Promise<void> {
  const text = `${what} began ${new Date().toISOString()}; not finished until \`${rerun}\` ends`;
  const path = shellPath(swapMarkerPath(fleet.inventory.cluster.installDir));
  try {
    await Promise.all(
      fleet.hosts.map(async (host) => {
        const executor = host.executor;
        if (!executor) throw host.error ?? new HostError(host.spec.name, 'not connected');
        await executor.run(
          `printf '%s\\n' ${shellQuote(text)} > ${path} && sync -- ${path}`,
          'marking the swap',
        );
      }),
    );
  } catch (err: unknown) {
    // Nothing has stopped yet: no mark may outlive this.
    await clearSwapMarks(fleet).catch(() => undefined);
    throw err;
  }
}

/** Clears the marker on every host: the swap is done everywhere, or was never begun. */
export async function clearSwapMarks(fleet: Fleet): Promise<void> {
  await fleet.eachHostMarkingFailures(async (_host, executor) => {
    await executor.run(
      `rm -f -- ${shellPath(swapMarkerPath(fleet.inventory.cluster.installDir))}`,
      'clearing the swap mark',
    );
  });
}

/**
 * Every server stopped for a swap of their data, each host marked first. A stop that fails means no
 * data is swapped anywhere: the marks go again, and the answer is false.
 */
export async function stopForSwap(
  fleet: Fleet,
  timeoutSeconds: number,
  mark: { what: string; rerun: string },
): Promise<boolean> {
  await markSwapBegun(fleet, mark.what, mark.rerun);
  await fleet.eachHostMarkingFailures((host, executor) =>
    stopStep(fleet, host, executor, timeoutSeconds, 'stop'),
  );
  if (fleet.failed.length === 0) return true;
  await clearSwapMarks(fleet);
  return false;
}
