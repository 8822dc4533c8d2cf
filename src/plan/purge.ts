import { shellQuote } from '../remote/quote.js';
import { systemDirectoryCasePattern } from '../remote/safe-values.js';

/** What ZooKeeper and zkdeploy put in each directory: a purge deletes these and nothing else. */
export const PURGEABLE = {
  /** Snapshots, the myid zkdeploy wrote, the pid file zkServer.sh wrote. */
  dataDir: ['version-2', 'myid', 'zookeeper_server.pid'],
  /** Transaction logs. */
  dataLogDir: ['version-2'],
  /** The server's .out files (3.4: zookeeper.out; 3.5+: zookeeper-USER-server-HOST.out) and log4j's files. */
  serverLogDir: ['zookeeper*.out', 'zookeeper*.log', 'zookeeper*.log.[0-9]*', 'zookeeper_audit.log*'],
} as const;

/**
 * A remote script deleting ZooKeeper's own files from one directory, then the directory when that
 * leaves it empty. It checks the path again on the host as it deletes (after links are resolved):
 * never a system directory, the home or a directory above it.
 */
export function purgeCommand(dir: string, names: readonly string[]): string {
  // The names are zkdeploy's own literals (globs included), never input: written unquoted on purpose.
  return [
    'set -e',
    `d=${shellQuote(dir)}`,
    '[ -d "$d" ] || exit 0',
    'real=$(cd -P -- "$d" && pwd -P)',
    'home=$(cd -P -- "$HOME" && pwd -P)',
    `case "$real" in ${systemDirectoryCasePattern()}) echo "refusing to purge $d: $real is a system directory" >&2; exit 1;; esac`,
    'case "$home/" in "$real"/*) echo "refusing to purge $d: $real is the home directory or lies above it" >&2; exit 1;; esac',
    'cd -- "$real"',
    `rm -rf -- ${names.join(' ')}`,
    'cd /',
    'rmdir -- "$real" 2>/dev/null || true',
  ].join('\n');
}
