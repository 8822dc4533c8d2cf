/** The inventory keys naming ZooKeeper's directories on a host. */
export const LAYOUT_KEYS = ['installDir', 'dataDir', 'dataLogDir', 'serverLogDir'] as const;
export type LayoutKey = (typeof LAYOUT_KEYS)[number];
/** The directories that hold ZooKeeper's data and logs (what a purge may empty). */
export const DATA_KEYS = ['dataDir', 'dataLogDir', 'serverLogDir'] as const;

/** Each directory's default, below the install directory; offered in every fix for a refused one. */
export function defaultDir(key: LayoutKey, installDir = '~/zookeeper'): string {
  const below: Record<Exclude<LayoutKey, 'installDir'>, string> = {
    dataDir: 'data',
    dataLogDir: 'logs',
    serverLogDir: 'server-logs',
  };
  return key === 'installDir' ? installDir : `${installDir}/${below[key]}`;
}
