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
    'rm -rf -- "$dir.zkdeploy-partial"',
    'cp -a --link -- "$archive" "$dir.zkdeploy-partial"',
    `rm -f -- "$dir.zkdeploy-partial/${ARCHIVE_STAMP}"`,
    `find "$dir.zkdeploy-partial" -type f -name 'log.*' -exec sh -c 'for f; do cp -p --sparse=always -- "$f" "$f.copy" && mv -f -- "$f.copy" "$f"; done' _ {} +`,
    'if [ -e "$dir" ]; then [ ! -e "$aside" ] || { echo "$aside is there already" >&2; exit 1; }; mv -- "$dir" "$aside"; fi',
    // Set aside by zkdeploy: stamped like an archive, so a purge may take it and nothing else.
    `if [ -d "$aside" ]; then printf '%s\\n' ${shellQuote(stamp)} > "$aside/${ARCHIVE_STAMP}"; fi`,
    'mv -- "$dir.zkdeploy-partial" "$dir"',
    'sync -f -- "$dir"',
  ].join('\n');
}
