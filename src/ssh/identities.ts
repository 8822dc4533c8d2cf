import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { InputError } from '../errors.js';

/** One way to authenticate, tried in order as OpenSSH does. */
export type Identity = { kind: 'agent'; socket: string } | { kind: 'key'; path: string; key: Buffer };

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function readKey(path: string): Buffer | string {
  const key = readFileSync(path);
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) return parsed.message;
  return key;
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
    const key = readKey(required);
    if (typeof key === 'string') {
      throw new InputError(
        `${required}: cannot use this key: ${key}`,
        'give an unencrypted private key, or load it into ssh-agent',
      );
    }
    return { identities: [{ kind: 'key', path: required, key }], skipped: [] };
  }
  const identities: Identity[] = [];
  const skipped: string[] = [];
  const socket = process.env.SSH_AUTH_SOCK;
  if (socket) identities.push({ kind: 'agent', socket });
  const files =
    configFiles.length > 0 ? configFiles : DEFAULT_KEYS.map((name) => join(homedir(), '.ssh', name));
  for (const path of files) {
    if (!existsSync(path)) continue;
    const key = readKey(path);
    if (typeof key === 'string') skipped.push(`${path} (${key})`);
    else identities.push({ kind: 'key', path, key });
  }
  return { identities, skipped };
}

/** How an identity is named in messages. */
export function describeIdentity(identity: Identity): string {
  return identity.kind === 'agent' ? 'ssh-agent' : identity.path;
}
