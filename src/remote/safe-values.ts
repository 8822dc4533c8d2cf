import { posix } from 'node:path';
import { HostError } from '../errors.js';
import { isWithin } from './paths.js';

// What may reach a remote shell. Every value from the inventory, a tarball or a host is checked
// against one of these before use, and quoted by shellQuote anyway when a command is built.

/** Characters of a remote path component: no spaces, quotes, `;`, `$`, backticks or newlines. */
const PATH_CHARS = 'A-Za-z0-9._/+@%,=-';
/** A remote path as the inventory may give it: absolute, or relative to the SSH user's home. */
export const REMOTE_PATH = new RegExp(`^(~|~/[${PATH_CHARS}]*|/[${PATH_CHARS}]*)$`);
/** An absolute path as a host reports it ($HOME, ZOOKEEPER_HOME read back). */
export const HOST_PATH = new RegExp(`^/[${PATH_CHARS}]*$`);
/** A release directory or tarball file name: one path component, nothing a shell would expand. */
export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/**
 * Directories whose removal or takeover breaks a machine: never a data, log or install directory.
 * Below the first group nothing of ZooKeeper's belongs either.
 */
const SYSTEM_DIRS = [
  '/',
  '/home',
  '/root',
  '/tmp',
  '/var',
  '/var/lib',
  '/var/log',
  '/var/tmp',
  '/opt',
  '/srv',
  '/mnt',
  '/media',
  '/usr',
  '/usr/local',
];
const SYSTEM_TREES = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr/bin',
  '/usr/lib',
  '/usr/sbin',
  '/usr/share',
];

/**
 * The same rule for a remote shell's `case`, applied to a resolved path (`pwd -P`) at the moment of
 * deleting: a pattern list matching every system directory and everything below the system trees.
 */
export function systemDirectoryCasePattern(): string {
  return [...SYSTEM_DIRS, ...SYSTEM_TREES, ...SYSTEM_TREES.map((tree) => `${tree}/*`)].join('|');
}

/**
 * Why a directory may not hold ZooKeeper's release, data or logs, or undefined when it may. `home`
 * (the SSH user's, once known) adds the rule that the home and every directory above it are refused.
 */
export function unsafeDirectory(path: string, home?: string): string | undefined {
  if (path.split('/').includes('..')) return 'has a .. component';
  if (path === '~' || path === '~/') return 'is the home directory itself';
  if (path.startsWith('~')) {
    return home === undefined ? undefined : unsafeDirectory(posix.join(home, path.slice(1)), home);
  }
  const normal = posix.normalize(path).replace(/(.)\/$/, '$1');
  if (SYSTEM_DIRS.includes(normal)) return 'is a system directory';
  if (SYSTEM_TREES.some((tree) => isWithin(normal, tree))) return 'lies in a system directory';
  if (home !== undefined && isWithin(home, normal))
    return normal === home ? 'is the home directory itself' : 'lies above the home directory';
  return undefined;
}

/**
 * A path the host told us (its $HOME, ZOOKEEPER_HOME read back): used in commands only when it is
 * an absolute path of safe characters, as zkdeploy itself would have written it.
 */
export function checkedHostPath(host: string, path: string, what: string, fix: string): string {
  if (HOST_PATH.test(path) && !path.split('/').includes('..')) return path;
  throw new HostError(
    host,
    `${what} is ${JSON.stringify(path)}, not a path zkdeploy writes (absolute; letters, digits, . _ - / only); refusing to use it`,
    fix,
  );
}
