import { shellPath, shellQuote } from './quote.js';

/**
 * One lock per ensemble on each of its hosts, in the SSH user's home: named after the install
 * directory (two ensembles under one user have two), so every inventory naming that host and
 * directory (a copy elsewhere, a shrunk one, another operator's on another machine) meets the same
 * lock. In the home, not the install directory: it must exist before the first install.
 */
export const hostLockPath = (installDirKey: string) => `~/.zkdeploy-lock.${installDirKey}`;

/**
 * Puts the lock in place with `text` unless one is there: written whole under a name of its own,
 * then hard-linked to the lock's name, which fails when a lock exists (atomic; a full disk leaves no
 * empty lock behind). `stale`: the text of a lock judged stale, moved aside first and linked back
 * unless it is still that one (another run may have taken it over meanwhile). Prints `@@taken`,
 * `@@held` and the holder's text, or `@@failed` and why.
 */
export function takeHostLockScript(path: string, text: string, stale?: string): string {
  return [
    `f=${shellPath(path)}`,
    ...(stale === undefined
      ? []
      : [
          `if mv -- "$f" "$f.stale.$$" 2>/dev/null; then [ "$(cat -- "$f.stale.$$")" = ${shellQuote(stale)} ] || ln -- "$f.stale.$$" "$f" 2>/dev/null; rm -f -- "$f.stale.$$"; fi`,
        ]),
    `t="$f.new.$$"`,
    `if ! (umask 077; printf '%s\\n' ${shellQuote(text)} > "$t") 2>/dev/null; then rm -f -- "$t"; echo @@failed; echo "cannot write $t"; exit 0; fi`,
    `if ln -- "$t" "$f" 2>/dev/null; then rm -f -- "$t"; echo @@taken; exit 0; fi`,
    `rm -f -- "$t"`,
    `if [ -e "$f" ]; then echo @@held; head -c 4096 -- "$f" 2>/dev/null; echo; else echo @@failed; echo "cannot link $f"; fi`,
  ].join('\n');
}

/** Removes the lock only while it is still `text`'s: one taken over meanwhile is not ours to remove. */
export function releaseHostLockScript(path: string, text: string): string {
  return `f=${shellPath(path)}; [ "$(cat -- "$f" 2>/dev/null)" = ${shellQuote(text)} ] && rm -f -- "$f"; true`;
}

/**
 * The ensemble's journal on a host, beside its lock: one line per step begun and ended by each
 * changing run, so whoever looks next (status, from any machine) sees where a run that died stopped.
 */
export const hostJournalPath = (installDirKey: string) => `~/.zkdeploy-journal.${installDirKey}`;

/** Appends one line; the journal keeps its last 200 lines. */
export function appendJournalScript(path: string, line: string): string {
  return [
    `f=${shellPath(path)}`,
    `(umask 077; printf '%s\\n' ${shellQuote(line)} >> "$f")`,
    'if [ "$(wc -l < "$f")" -gt 400 ]; then tail -n 200 -- "$f" > "$f.$$" && mv -f -- "$f.$$" "$f"; fi',
  ].join('\n');
}
