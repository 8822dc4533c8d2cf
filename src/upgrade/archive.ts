import { shellQuote } from '../remote/quote.js';

/** Marks a directory as an archive zkdeploy made (and says of what). */
export const ARCHIVE_STAMP = '.zkdeploy-archive';

/** Where a directory's archive goes: beside it, named with the zxid it holds up to (data.zxid-0x100000a3c). */
export const archivePath = (dir: string, zxid: string) => `${dir}.zxid-${zxid}`;

/**
 * Archives a stopped server's directory beside it. Snapshots and the rest are hard links (ZooKeeper
 * never changes a written snapshot, and replaces epoch files by rename); transaction logs are real
 * copies, because a follower told to TRUNC cuts its log file in place, and that would cut the
 * archive's too. An archive already there is the one of this very data (same zxid): kept as it is.
 */
export function archiveCommand(dir: string, archive: string, stamp: string): string {
  return [
    'set -e',
    'umask 077',
    `src=${shellQuote(dir)}`,
    `dst=${shellQuote(archive)}`,
    `if [ -f "$dst/${ARCHIVE_STAMP}" ]; then echo kept; exit 0; fi`,
    // What a cut run left is ours (the name is ours); nothing else is ever removed here.
    'rm -rf -- "$dst.zkdeploy-partial"',
    'cp -a --link -- "$src" "$dst.zkdeploy-partial"',
    `find "$dst.zkdeploy-partial" -type f -name 'log.*' -exec sh -c 'for f; do cp -p --sparse=always -- "$f" "$f.copy" && mv -f -- "$f.copy" "$f"; done' _ {} +`,
    `printf '%s\\n' ${shellQuote(stamp)} > "$dst.zkdeploy-partial/${ARCHIVE_STAMP}"`,
    'sync -f -- "$dst.zkdeploy-partial"',
    'mv -- "$dst.zkdeploy-partial" "$dst"',
    'echo archived',
  ].join('\n');
}

/**
 * The one data swap, as shell lines, for a stopped server's directory `$dir` with its replacement
 * complete under `$staged`: what is there now is moved aside to `$aside` (or beside it, when a
 * cut run left one there: nothing is ever overwritten) and stamped as an archive, so a purge may take
 * it and nothing else; then the replacement takes the directory's name, and it is synced. Prints the
 * name the old directory went to. Restore and the restoring rollback both end with it.
 */
export function swapInLines(stamp: string): string[] {
  return [
    'if [ -e "$aside" ]; then aside="$aside.$(date +%s)"; fi',
    'if [ -e "$dir" ]; then mv -- "$dir" "$aside"; fi',
    `if [ -d "$aside" ]; then printf '%s\\n' ${shellQuote(stamp)} > "$aside/${ARCHIVE_STAMP}"; fi`,
    'mv -- "$staged" "$dir"',
    'sync -f -- "$dir"',
    'echo "$aside"',
  ];
}

/**
 * Puts an archive back in place of a directory: the directory as it is now is moved aside (named
 * with its own zxid and stamped, never deleted), and the archive is copied in (links and log copies
 * as above).
 */
export function restoreCommand(dir: string, archive: string, aside: string, stamp: string): string {
  return [
    'set -e',
    'umask 077',
    `dir=${shellQuote(dir)}`,
    `archive=${shellQuote(archive)}`,
    `aside=${shellQuote(aside)}`,
    `[ -f "$archive/${ARCHIVE_STAMP}" ] || { echo "$archive is not an archive of zkdeploy's" >&2; exit 1; }`,
    'staged="$dir.zkdeploy-partial"',
    'rm -rf -- "$staged"',
    'cp -a --link -- "$archive" "$staged"',
    `rm -f -- "$staged/${ARCHIVE_STAMP}"`,
    `find "$staged" -type f -name 'log.*' -exec sh -c 'for f; do cp -p --sparse=always -- "$f" "$f.copy" && mv -f -- "$f.copy" "$f"; done' _ {} +`,
    ...swapInLines(stamp),
  ].join('\n');
}
