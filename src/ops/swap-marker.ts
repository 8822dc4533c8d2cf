import { HostError } from '../errors.js';
import type { ClusterSettings } from '../inventory/types.js';
import { swapMarkerPath } from '../plan/probe.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import { parseSections } from '../remote/sections.js';
import type { HostExecutor } from '../run/executor.js';
import type { Fleet } from '../run/fleet.js';
import { startServer } from './lifecycle.js';
import { stopStep } from './stop-step.js';

/** The marker's shell section for a probe: its first line, or nothing when there is no mark. */
export const swapMarkerSection = (cluster: Pick<ClusterSettings, 'installDir'>) => {
  const path = shellPath(swapMarkerPath(cluster.installDir));
  // Being there is what counts (a power cut may leave it empty).
  return `echo @@swap; if [ -e ${path} ]; then l=$(head -n 1 -- ${path} 2>/dev/null); printf '%s\\n' "\${l:-a data swap began}"; fi`;
};

/** Removes this host's mark. */
const clearMarkCommand = (cluster: Pick<ClusterSettings, 'installDir'>) =>
  `rm -f -- ${shellPath(swapMarkerPath(cluster.installDir))}`;

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
    await executor.run(clearMarkCommand(fleet.inventory.cluster), 'clearing the swap mark');
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

/**
 * Starts a server whose data the swap has put in place. Its own host's mark goes first: that server
 * may start now (systemd's unit will not start it while the mark is there); the marks of the hosts not
 * yet started keep every other start refused until this command has started them too.
 */
export async function startSwapped(
  executor: HostExecutor,
  cluster: ClusterSettings,
  home: string,
): Promise<void> {
  await executor.run(clearMarkCommand(cluster), 'clearing the swap mark');
  await startServer(executor, cluster, home);
}

/** The hosts of the fleet with a swap's mark, and what each says (read-only; hosts not reached are not judged). */
export async function swapMarks(fleet: Fleet): Promise<{ host: string; mark: string }[]> {
  const found: { host: string; mark: string }[] = [];
  await Promise.all(
    fleet.hosts.map(async (host) => {
      if (!host.executor) return;
      const mark = parseSections(
        (await host.executor.probe(swapMarkerSection(fleet.inventory.cluster))).stdout,
      )
        .get('swap')
        ?.trim();
      if (mark) found.push({ host: host.spec.name, mark });
    }),
  );
  return found.sort((a, b) => a.host.localeCompare(b.host));
}
