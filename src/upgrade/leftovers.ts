import { DATA_KEYS } from '../inventory/layout.js';
import type { ClusterSettings } from '../inventory/types.js';
import { swapMarkerPath } from '../plan/probe.js';
import type { PlannedStep } from '../plan/step.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { shellQuote } from '../remote/quote.js';
import { FILE_NAME } from '../remote/safe-values.js';
import { ARCHIVE_STAMP } from './archive.js';
import { recordPath, type UpgradeRecord } from './host-state.js';

/**
 * What an upgrade leaves for uninstall: the other release it kept (removed only where it carries
 * zkdeploy's extraction stamp) and its record; with a purge, the data archives beside the data
 * directories (removed only where they carry the archive stamp). Never anything else.
 */
export function upgradeLeftovers(
  cluster: ClusterSettings,
  home: string,
  record: UpgradeRecord | undefined,
  current: string | undefined,
  purge: boolean,
): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const installDir = absoluteRemotePath(cluster.installDir, home);
  if (record) {
    const kept = [record.from, record.to]
      .filter((name) => FILE_NAME.test(name))
      .map((name) => `${installDir}/${name}`)
      .filter((dir) => dir !== current);
    const removals = kept.map(
      (dir) => `if [ -f ${shellQuote(`${dir}/.zkdeploy-release`)} ]; then rm -rf -- ${shellQuote(dir)}; fi`,
    );
    steps.push({
      id: 'upgrade',
      title: 'the release an upgrade kept, and its record',
      change: true,
      reason: `remove ${kept.join(', ') || 'nothing'} and ${recordPath(cluster.installDir)}`,
      actions: [
        ...removals.map((command) => ({ kind: 'exec' as const, command })),
        {
          kind: 'exec',
          command: `rm -f -- ${shellQuote(absoluteRemotePath(recordPath(cluster.installDir), home))}`,
        },
      ],
    });
  }
  if (purge) {
    const dirs = [
      ...new Set(
        DATA_KEYS.filter((k) => k !== 'serverLogDir').map((k) => absoluteRemotePath(cluster[k], home)),
      ),
    ];
    steps.push({
      id: 'archives',
      title: 'data archives of upgrades, rollbacks and restores',
      change: true,
      reason: 'purged on request',
      actions: [
        ...dirs.map((dir) => ({
          kind: 'exec' as const,
          // A restore's stage (zkdeploy's own name) goes too, when a cut restore left one.
          command: `for a in ${shellQuote(dir)}.zxid-0x*; do if [ -d "$a" ] && [ -f "$a/${ARCHIVE_STAMP}" ]; then rm -rf -- "$a"; fi; done; rm -rf -- ${shellQuote(`${dir}.zkdeploy-restore`)}`,
        })),
        // A swap cut midway is moot once its data is purged.
        {
          kind: 'exec' as const,
          command: `rm -f -- ${shellQuote(absoluteRemotePath(swapMarkerPath(cluster.installDir), home))}`,
        },
      ],
    });
  }
  return steps;
}
