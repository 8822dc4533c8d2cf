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
 * The identities to offer: the given identity file alone, or OpenSSH's defaults (the agent from
 * SSH_AUTH_SOCK, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa where they exist and can be read).
 */
export function resolveIdentities(identityFile: string | undefined): {
  identities: Identity[];
  skipped: string[];
} {
  if (identityFile) {
    if (!existsSync(identityFile)) {
      throw new InputError(
        `${identityFile}: no such identity file`,
        'check the path given to --identity or ssh.identity',
      );
    }
    const key = readKey(identityFile);
    if (typeof key === 'string') {
      throw new InputError(
        `${identityFile}: cannot use this key: ${key}`,
        'give an unencrypted private key, or load it into ssh-agent',
      );
    }
    return { identities: [{ kind: 'key', path: identityFile, key }], skipped: [] };
  }
  const identities: Identity[] = [];
  const skipped: string[] = [];
  const socket = process.env.SSH_AUTH_SOCK;
  if (socket) identities.push({ kind: 'agent', socket });
  for (const name of DEFAULT_KEYS) {
    const path = join(homedir(), '.ssh', name);
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
