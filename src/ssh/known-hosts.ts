import { createHmac } from 'node:crypto';

/** One known_hosts line: the host patterns (or a hashed name) and the key it vouches for. */
export interface KnownHostEntry {
  marker: '@revoked' | '@cert-authority' | undefined;
  patterns: string[];
  keyType: string;
  keyBase64: string;
}

/** Parses OpenSSH known_hosts text; comments, blank and malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as typeof marker;
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) continue;
    entries.push({ marker, patterns: hosts.split(','), keyType, keyBase64 });
  }
  return entries;
}

/** The name ssh looks up for a host and port: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function matchesPattern(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  return globToRegExp(pattern).test(name);
}

/** Whether an entry applies to a name: some pattern matches and no negated (`!`) pattern does. */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  let matched = false;
  for (const pattern of entry.patterns) {
    if (pattern.startsWith('!')) {
      if (matchesPattern(pattern.slice(1), name)) return false;
    } else if (matchesPattern(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** What known_hosts says of a presented key: trusted, revoked, changed (another key on record) or unknown. */
export type HostKeyVerdict = 'trusted' | 'revoked' | 'changed' | 'unknown';

/** The key type named inside an SSH wire-format public key blob (`ssh-ed25519`, …). */
export function keyTypeOfBlob(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** The entries (not revoked, not CA) that apply to any of a host's names. */
export function entriesFor(entries: KnownHostEntry[], names: string[]): KnownHostEntry[] {
  return entries.filter((e) => e.marker === undefined && names.some((n) => entryMatches(e, n)));
}

/**
 * Judges a host key (its wire-format blob) against the entries for any of the names it goes by.
 * As in OpenSSH, a key counts as changed only when a key of the same type is on record.
 */
export function judgeHostKey(entries: KnownHostEntry[], names: string[], keyBlob: Buffer): HostKeyVerdict {
  const presented = keyBlob.toString('base64');
  const revoked = entries.filter((e) => e.marker === '@revoked' && names.some((n) => entryMatches(e, n)));
  if (revoked.some((e) => e.keyBase64 === presented)) return 'revoked';
  const known = entriesFor(entries, names);
  if (known.some((e) => e.keyBase64 === presented)) return 'trusted';
  const type = keyTypeOfBlob(keyBlob);
  return known.some((e) => e.keyType === type) ? 'changed' : 'unknown';
}
