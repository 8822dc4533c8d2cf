import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  entriesFor,
  judgeHostKey,
  type KnownHostEntry,
  keyTypeOfBlob,
  knownHostsName,
  parseKnownHosts,
} from './known-hosts.js';

/** OpenSSH's fingerprint form: SHA256:base64-without-padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

// ssh2's algorithm names for each known_hosts key type, so a host offers the key we have on record.
const ALGORITHMS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * The user's known_hosts files (ssh config's UserKnownHostsFile, else ~/.ssh/known_hosts) and the
 * system's, read once; new keys go to the first user file.
 */
export class KnownHosts {
  readonly entries: KnownHostEntry[];
  readonly userFile: string;

  constructor(
    userFiles: string[] = [join(homedir(), '.ssh', 'known_hosts')],
    systemFile = '/etc/ssh/ssh_known_hosts',
  ) {
    this.userFile = userFiles[0] ?? join(homedir(), '.ssh', 'known_hosts');
    this.entries = [...userFiles, systemFile].flatMap((f) =>
      existsSync(f) ? parseKnownHosts(readFileSync(f, 'utf8')) : [],
    );
  }

  /** The names a host is looked up by: its SSH address and its inventory name, with the port where not 22. */
  static namesFor(address: string, name: string, port: number): string[] {
    return [...new Set([knownHostsName(address, port), knownHostsName(name, port)])];
  }

  judge(names: string[], keyBlob: Buffer) {
    return judgeHostKey(this.entries, names, keyBlob);
  }

  /** Host key algorithms to offer: those of the keys on record for the host, so the host shows one we can check. */
  algorithmsFor(names: string[]): string[] | undefined {
    const types = new Set(entriesFor(this.entries, names).map((e) => e.keyType));
    const algorithms = [...types].flatMap((t) => ALGORITHMS_FOR_TYPE[t] ?? []);
    return algorithms.length > 0 ? algorithms : undefined;
  }

  /** Records a newly accepted key (only ever on explicit request: --accept-new-host-keys). */
  accept(names: string[], keyBlob: Buffer): void {
    const line = `${names.join(',')} ${keyTypeOfBlob(keyBlob)} ${keyBlob.toString('base64')}\n`;
    mkdirSync(dirname(this.userFile), { recursive: true, mode: 0o700 });
    appendFileSync(this.userFile, line, { mode: 0o644 });
    this.entries.push(...parseKnownHosts(line));
  }
}
