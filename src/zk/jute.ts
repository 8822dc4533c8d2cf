/**
 * Reads values as ZooKeeper's jute BinaryOutputArchive writes them: big-endian ints and longs,
 * a boolean as one byte, strings and buffers as a length (-1 for null) then the bytes, vectors as
 * a count (-1 for null) then the items. Reading past the end throws.
 */
export class JuteReader {
  private at: number;

  constructor(
    private readonly bytes: Buffer,
    start = 0,
  ) {
    this.at = start;
  }

  get offset(): number {
    return this.at;
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  private take(count: number): number {
    if (count < 0 || this.at + count > this.bytes.length) {
      throw new RangeError(`truncated: ${count} bytes wanted at offset ${this.at} of ${this.bytes.length}`);
    }
    const from = this.at;
    this.at += count;
    return from;
  }

  int(): number {
    return this.bytes.readInt32BE(this.take(4));
  }

  long(): bigint {
    return this.bytes.readBigInt64BE(this.take(8));
  }

  boolean(): boolean {
    return this.bytes[this.take(1)] !== 0;
  }

  buffer(): Buffer | null {
    const length = this.int();
    if (length < 0) return null;
    const from = this.take(length);
    return this.bytes.subarray(from, from + length);
  }

  string(): string | null {
    return this.buffer()?.toString('utf8') ?? null;
  }

  vector<T>(item: (reader: JuteReader) => T): T[] | null {
    const count = this.int();
    if (count < 0) return null;
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(item(this));
    return items;
  }
}

/** An access rule on a znode, as ZooKeeper stores it. */
export interface Acl {
  perms: number;
  scheme: string;
  id: string;
}

export function readAcl(reader: JuteReader): Acl {
  return { perms: reader.int(), scheme: reader.string() ?? '', id: reader.string() ?? '' };
}

/** ZooDefs.Perms in the order of the letters c, d, r, w, a. */
const PERM_BITS = [4, 8, 1, 2, 16];

/** An ACL list as one comparable line: "cdrwa world:anyone" joined by ", ". */
export function formatAcls(acls: readonly Acl[]): string {
  const letters = (perms: number) =>
    ['c', 'd', 'r', 'w', 'a'].filter((_, i) => perms & (PERM_BITS[i] ?? 0)).join('') || '-';
  return acls.map((acl) => `${letters(acl.perms)} ${acl.scheme}:${acl.id}`).join(', ');
}
