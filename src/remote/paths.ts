import { posix } from 'node:path';

/** A remote path made absolute with the SSH user's home (zoo.cfg needs absolute paths). */
export function absoluteRemotePath(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return posix.join(home, path.slice(2));
  return posix.normalize(path);
}

/** Whether `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  const rel = posix.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel));
}
