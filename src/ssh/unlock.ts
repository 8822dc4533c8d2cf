import { existsSync, readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { InputError } from '../errors.js';
import { type Identity, passphraseOpens } from './identities.js';

/** Asks questions on the terminal without echoing the answers; `flag` names what asked, for errors. */
export type AskHidden = (questions: string[], flag: string) => Promise<string[]>;

/** The base64 blobs of the keys an ssh-agent holds (none when there is no agent or it fails). */
function agentKeys(socket: string | undefined): Promise<Set<string>> {
  if (!socket) return Promise.resolve(new Set());
  return new Promise((resolve) => {
    new ssh2.OpenSSHAgent(socket).getIdentities((err, keys) => {
      if (err || !keys) return resolve(new Set());
      // OpenSSHAgent returns parsed keys; the type also allows wrapped entries, which it never gives.
      const blobs = keys.flatMap((k) => ('getPublicSSH' in k ? [k.getPublicSSH().toString('base64')] : []));
      resolve(new Set(blobs));
    });
  });
}

/** The public key blob of KEY.pub next to an encrypted key, when there is one. */
function publicBlob(path: string): string | undefined {
  const pub = `${path}.pub`;
  if (!existsSync(pub)) return undefined;
  return readFileSync(pub, 'utf8').trim().split(/\s+/)[1];
}

/**
 * Turns encrypted keys into usable ones before any connection: a key the agent already holds is left
 * to the agent; otherwise its passphrase is asked once on the terminal (hidden, three tries), for
 * every host. Without a terminal an encrypted key is skipped, or is bad input when it was required.
 * Returns warnings about skipped keys.
 */
export async function unlockIdentities(lists: Identity[][], askHidden: AskHidden): Promise<string[]> {
  const encrypted = new Map<string, Extract<Identity, { kind: 'encrypted' }>>();
  for (const list of lists) for (const id of list) if (id.kind === 'encrypted') encrypted.set(id.path, id);
  if (encrypted.size === 0) return [];
  const held = await agentKeys(process.env.SSH_AUTH_SOCK);
  const warnings: string[] = [];
  const opened = new Map<string, Identity | undefined>();
  const terminal = process.stdin.isTTY && process.stderr.isTTY;
  for (const [path, id] of encrypted) {
    const blob = publicBlob(path);
    if (blob && held.has(blob) && !id.required) {
      opened.set(path, undefined);
      continue;
    }
    if (!terminal) {
      if (id.required)
        throw new InputError(
          `${path}: the key is encrypted and there is no terminal to ask its passphrase in`,
          `load it into ssh-agent (ssh-add ${path}), or run in a terminal`,
        );
      warnings.push(`${path} is encrypted and there is no terminal to ask its passphrase: skipped`);
      opened.set(path, undefined);
      continue;
    }
    let passphrase: string | undefined;
    for (let attempt = 0; attempt < 3 && passphrase === undefined; attempt++) {
      const [answer] = await askHidden([`Enter passphrase for key '${path}': `], 'the key passphrase');
      if (answer !== undefined && passphraseOpens(id.key, answer)) passphrase = answer;
      else process.stderr.write('Bad passphrase, try again.\n');
    }
    if (passphrase === undefined)
      throw new InputError(
        `${path}: three wrong passphrases`,
        `check the passphrase (ssh-keygen -y -f ${path})`,
      );
    opened.set(path, { kind: 'key', path, key: id.key, passphrase });
  }
  for (const list of lists) {
    for (let i = list.length - 1; i >= 0; i--) {
      const id = list[i];
      if (id?.kind !== 'encrypted') continue;
      const replacement = opened.get(id.path);
      if (replacement) list[i] = replacement;
      else list.splice(i, 1);
    }
  }
  return warnings;
}
