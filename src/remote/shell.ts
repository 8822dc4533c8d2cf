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

/** A fresh tag for one remote command. */
export function commandTag(): string {
  return `zkdeploy-run-${randomBytes(6).toString('hex')}`;
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
