import { posix } from 'node:path';
import { shellQuote } from '../remote/quote.js';
import { swapInLines } from '../upgrade/archive.js';

/**
 * Whether one data directory lies inside the other (dataLogDir below dataDir, say): moving the
 * outer one aside would carry the inner one, and its stage, with it.
 */
export function nestedDirs(a: string, b: string): boolean {
  const inside = (inner: string, outer: string) => inner.startsWith(`${outer.replace(/\/+$/, '')}/`);
  return inside(a, b) || inside(b, a);
}

/** Where a restore stages a directory's new content beside it, before any server stops. */
export const stagePath = (dir: string) => `${dir}.zkdeploy-restore`;

/** Makes an empty stage (what a cut run left there is ours: the name is ours). */
export function stageCommand(dir: string): string {
  const stage = shellQuote(stagePath(dir));
  return `set -e; umask 077; rm -rf -- ${stage}; mkdir -p -- ${stage}/version-2`;
}

/**
 * Turns an uploaded `<file>.gz` in a stage into the file itself, written sparse (a transaction log
 * is mostly the zeros it was preallocated with), and checks it is the backup's byte for byte.
 */
export function unpackCommand(dir: string, name: string, sha256: string): string {
  const file = shellQuote(posix.join(stagePath(dir), 'version-2', name));
  const gz = shellQuote(posix.join(stagePath(dir), 'version-2', `${name}.gz`));
  return [
    'set -e',
    `gunzip -c -- ${gz} | dd of=${file} bs=64k iflag=fullblock conv=sparse status=none`,
    `rm -f -- ${gz}`,
    `test "$(sha256sum < ${file} | cut -c1-64)" = ${shellQuote(sha256)} || { echo ${shellQuote(`${name}: not the backup's content after unpacking`)} >&2; exit 1; }`,
  ].join('\n');
}

/**
 * Puts a stage in place of a stopped server's directory: the directory as it is now moved aside
 * (stamped like an upgrade's archive, so that only a purge takes it), the server's own myid kept.
 * A stage already in place (a cut run) is left as it is.
 */
export function swapInCommand(dir: string, aside: string, stamp: string, keepMyid: boolean): string {
  return [
    'set -e',
    'umask 077',
    `dir=${shellQuote(dir)}`,
    `staged=${shellQuote(stagePath(dir))}`,
    `aside=${shellQuote(aside)}`,
    '[ -d "$staged" ] || { echo "$staged: nothing staged to restore" >&2; exit 1; }',
    keepMyid
      ? '[ -f "$dir/myid" ] || { echo "$dir/myid: missing (install first)" >&2; exit 1; }; cp -p -- "$dir/myid" "$staged/myid"'
      : ':',
    // The restored directories keep the modes the ones they replace had (install made those).
    'if [ -d "$dir" ]; then chmod --reference="$dir" -- "$staged"; fi',
    'if [ -d "$dir/version-2" ]; then chmod --reference="$dir/version-2" -- "$staged/version-2"; fi',
    ...swapInLines(stamp),
  ].join('\n');
}
