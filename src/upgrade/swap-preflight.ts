import { absoluteRemotePath } from '../remote/paths.js';
import type { SwappedDir, UpgradeFacts } from './host-state.js';
import type { Refusal } from './preflight.js';

/** What a swap of every server's data (restore, a rollback that restores) needs beyond the directories. */
export interface SwapNeeds {
  command: 'restore' | 'rollback';
  /** The upgrade record's archives, to put back (a rollback that restores). */
  archives: boolean;
}

const inside = (path: string, dir: string) => path.startsWith(`${dir}/`);

/**
 * What would stop a data swap on one host halfway, found while every server still serves: a swap
 * moves each data directory aside and puts another in its place, so a mount point (it cannot be
 * moved), a symlink (the new directory would land beside it, off the disk the link points to) or one
 * directory inside the other (moving the outer takes the inner along) is refused; so are a missing
 * archive or ZOOKEEPER_HOME, which would leave the server unable to start.
 */
export function judgeDataSwap(
  host: string,
  facts: UpgradeFacts,
  dirs: Record<SwappedDir, string>,
  needs: SwapNeeds,
): Refusal[] {
  const refusals: Refusal[] = [];
  const refuse = (message: string, fix: string) => refusals.push({ host, message, fix });
  const what = `${needs.command} moves it aside and puts another directory in its place`;
  for (const key of ['dataDir', 'dataLogDir'] as const) {
    const path = absoluteRemotePath(dirs[key], facts.home);
    const place = facts.placement[key];
    // A symlink first: one pointing at another disk is no mount point of its own.
    if (place.symlink)
      refuse(
        `${key} ${path} is a symlink to ${place.real}: ${what}, which would leave the data beside the link, off ${place.real}`,
        `point ${key} at ${place.real} in the inventory and run zkdeploy install; then ${needs.command} again`,
      );
    else if (place.mount)
      refuse(
        `${key} ${path} is a mount point: ${what}, and a mount point cannot be moved`,
        `point ${key} at a directory inside the mount (e.g. ${path}/zookeeper), move the data there and run zkdeploy install; then ${needs.command} again`,
      );
    if (place.innerMount)
      refuse(
        `${key} ${path}/version-2 is a mount point: moving ${key} aside would carry that disk along, and the swapped data would land beside it`,
        `point ${key} at the mount itself (its version-2 inside it), move the data and run zkdeploy install; then ${needs.command} again`,
      );
  }
  const data = facts.placement.dataDir.real || absoluteRemotePath(dirs.dataDir, facts.home);
  const logs = facts.placement.dataLogDir.real || absoluteRemotePath(dirs.dataLogDir, facts.home);
  if (inside(logs, data) || inside(data, logs)) {
    const [inner, outer] = inside(logs, data) ? ['dataLogDir', 'dataDir'] : ['dataDir', 'dataLogDir'];
    refuse(
      `${inner} ${inner === 'dataLogDir' ? logs : data} lies inside ${outer} ${outer === 'dataDir' ? data : logs}: moving ${outer} aside would take it along`,
      `give dataDir and dataLogDir directories side by side (or one and the same), move the files and run zkdeploy install; then ${needs.command} again`,
    );
  }
  const record = facts.record;
  if (needs.archives && record) {
    for (const [key, path] of [
      ['dataArchive', record.dataArchive],
      ['logArchive', record.logArchive],
    ] as const)
      if (!facts.present.has(key))
        refuse(
          `the archive the upgrade made, ${path}, is gone (or has lost its stamp): nothing to restore from`,
          'a restoring rollback needs it on every server; restore a backup instead (zkdeploy restore), or stay on the new release',
        );
  }
  if (needs.command === 'restore' && !facts.present.has('zookeeperHome'))
    refuse(
      `ZOOKEEPER_HOME ${facts.zookeeperHome || '(none)'} in ~/.bash_profile has no bin/zkServer.sh: the server could not start again`,
      'zkdeploy install puts the release and the profile block back; then restore again',
    );
  return refusals;
}
