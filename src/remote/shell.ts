import { randomBytes } from 'node:crypto';

/**
 * A script as the SSH server hands it to the user's login shell. The script itself travels base64
 * encoded inside one single-quoted word that bash, sh, tcsh and fish all read alike, and bash runs
 * it: a login shell of another family never parses our shell syntax. The tag, bash's $0, names the
 * process on the host so that a command which outlives its deadline can be found and ended.
 */
export function viaBash(script: string, tag: string): string {
  const encoded = Buffer.from(script, 'utf8').toString('base64');
  return `bash -c 'eval "$(printf %s ${encoded} | base64 -d)"' ${tag}`;
}

/** This zkdeploy process, in every tag it gives a remote command. */
const THIS_RUN = randomBytes(4).toString('hex');

/**
 * A fresh tag for one remote command: this run's, then the command's own, marked `c` when the
 * command changes the host (what another run must not race) and `r` when it only reads.
 */
export function commandTag(kind: 'read' | 'change' = 'read'): string {
  return `zkdeploy-run-${THIS_RUN}-${kind === 'change' ? 'c' : 'r'}${randomBytes(6).toString('hex')}`;
}

/**
 * Waits up to `limitSeconds` for the changing commands another zkdeploy run left on this host to end
 * (a run killed mid-step leaves its remote command running: no terminal, no hangup), then prints
 * what is still running, if anything. Only this user's, only zkdeploy's changes (a `logs --follow`
 * beside is no reason to wait), never this run's.
 */
export function leftoverCommandsScript(limitSeconds: number): string {
  return [
    `mine='zkdeploy-run-${THIS_RUN}-'`,
    // Only this host's: hosts sharing one kernel (containers, the lab's namespaces) each have their own network.
    'net=$(readlink /proc/$$/ns/net)',
    `others() { for p in $(pgrep -u "$(id -u)" -f 'zkdeploy-ru[n]-[0-9a-f]*-c'); do [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$net" ] || continue; c=$(tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null); case "$c" in *"$mine"*|'') ;; *) echo "$p $c" ;; esac; done; }`,
    `end=$(( $(date +%s) + ${Math.max(1, Math.round(limitSeconds))} ))`,
    'command -v pgrep >/dev/null 2>&1 || { echo "@@leftover-unknown"; exit 0; }',
    'while [ -n "$(others)" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.5; done',
    // Marked lines only: whatever a login file prints is never taken for a leftover.
    `others | head -n 3 | sed 's/^/@@leftover /'`,
  ].join('\n');
}

/**
 * Ends, with SIGKILL, every process of the SSH session whose command carries `tag` (sshd gives each
 * command a session of its own): OpenSSH before 7.9 ignores the KILL signal request of a channel.
 */
export function killTaggedSession(tag: string): string {
  // The bracket keeps the pattern from matching this very command line.
  const pattern = tag.replace(/-run-/, '-ru[n]-');
  return `for p in $(pgrep -f '${pattern}'); do s=$(ps -o sid= -p "$p" | tr -d ' '); [ -n "$s" ] && pkill -KILL -s "$s"; done; true`;
}
