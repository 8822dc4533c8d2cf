import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { InputError } from '../errors.js';

/**
 * One way to authenticate, tried in order as OpenSSH does. An `encrypted` key needs its passphrase
 * (asked once, before connecting) to become a `key`.
 */
export type Identity =
  | { kind: 'agent'; socket: string }
  | { kind: 'key'; path: string; key: Buffer; passphrase?: string }
  | { kind: 'encrypted'; path: string; key: Buffer; required: boolean };

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** The key, whether it needs a passphrase, or why it cannot be used. */
function readKey(path: string): { key: Buffer; encrypted: boolean } | string {
  const key = readFileSync(path);
  const parsed = ssh2.utils.parseKey(key);
  if (!(parsed instanceof Error)) return { key, encrypted: false };
  if (/encrypted|passphrase/i.test(parsed.message)) return { key, encrypted: true };
  return parsed.message;
}

/**
 * The identities to offer, as OpenSSH does: a required identity file (flag or inventory) alone;
 * else the agent from SSH_AUTH_SOCK, then the ssh config's IdentityFile lines that exist, or when
 * there are none ~/.ssh/id_ed25519, id_ecdsa, id_rsa where they exist and can be read.
 */
export function resolveIdentities(
  required: string | undefined,
  configFiles: string[] = [],
): {
  identities: Identity[];
  skipped: string[];
} {
  if (required) {
    if (!existsSync(required)) {
      throw new InputError(
        `${required}: no such identity file`,
        'check the path given to --identity or ssh.identity',
      );
    }
    const read = readKey(required);
    if (typeof read === 'string') {
      throw new InputError(
        `${required}: cannot use this key: ${read}`,
        'give an OpenSSH or PEM private key, or load it into ssh-agent',
      );
    }
    const identity: Identity = read.encrypted
      ? { kind: 'encrypted', path: required, key: read.key, required: true }
      : { kind: 'key', path: required, key: read.key };
    return { identities: [identity], skipped: [] };
  }
  const identities: Identity[] = [];
  const skipped: string[] = [];
  const socket = process.env.SSH_AUTH_SOCK;
  if (socket) identities.push({ kind: 'agent', socket });
  const files =
    configFiles.length > 0 ? configFiles : DEFAULT_KEYS.map((name) => join(homedir(), '.ssh', name));
  for (const path of files) {
    if (!existsSync(path)) continue;
    const read = readKey(path);
    if (typeof read === 'string') skipped.push(`${path} (${read})`);
    else if (read.encrypted) identities.push({ kind: 'encrypted', path, key: read.key, required: false });
    else identities.push({ kind: 'key', path, key: read.key });
  }
  return { identities, skipped };
}

/** How an identity is named in messages. */
export function describeIdentity(identity: Identity): string {
  return identity.kind === 'agent' ? 'ssh-agent' : identity.path;
}

/** Whether a passphrase opens an encrypted key. */
export function passphraseOpens(key: Buffer, passphrase: string): boolean {
  return !(ssh2.utils.parseKey(key, passphrase) instanceof Error);
}
