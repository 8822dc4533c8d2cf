import { createHash } from 'node:crypto';
import { createReadStream, type Stats, statSync } from 'node:fs';
import { basename, posix } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { InputError, messageOf } from '../errors.js';
import { FILE_NAME } from '../remote/safe-values.js';

/** A ZooKeeper binary release, checked locally before any upload. */
export interface ReleaseTarball {
  path: string;
  /** The file name, kept on the hosts as in the guide (~/setups/NAME). */
  fileName: string;
  sha256: string;
  size: number;
  /** The single top directory: the release directory on the hosts (zookeeper-3.4.9, …). */
  topDir: string;
  /** From the directory or jar name, when it has one. */
  version: string | undefined;
}

interface Listing {
  topDirs: Set<string>;
  files: Set<string>;
  unsafe: string[];
}

/** An entry that could write outside the release directory: absolute, `..`, or a link pointing out. */
function unsafeReason(entry: ReadEntry): string | undefined {
  const path = entry.path;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute path';
  if (path.split('/').includes('..')) return 'path with ..';
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
    const target = entry.linkpath ?? '';
    if (target.startsWith('/')) return `link to absolute path ${target}`;
    const base = entry.type === 'Link' ? '' : posix.dirname(path);
    const resolved = posix.normalize(posix.join(base, target));
    const top = path.split('/')[0] ?? '';
    if (resolved.startsWith('..') || !(resolved === top || resolved.startsWith(`${top}/`))) {
      return `link pointing outside the release (${target})`;
    }
  }
  return undefined;
}

function readListing(path: string, stats: Stats): Promise<{ listing: Listing; sha256: string }> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    const listing: Listing = { topDirs: new Set(), files: new Set(), unsafe: [] };
    let firstChunk = true;
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const reason = unsafeReason(entry);
        if (reason) listing.unsafe.push(`${entry.path}: ${reason}`);
        const clean = entry.path.replace(/^\.\//, '').replace(/\/$/, '');
        const top = clean.split('/')[0];
        if (top) listing.topDirs.add(top);
        if (entry.type === 'File' || entry.type === 'OldFile') listing.files.add(clean);
        entry.resume();
      },
    });
    const fail = (why: string) => {
      stream.destroy();
      reject(new InputError(`${path}: ${why}`, 'use a ZooKeeper binary release as downloaded from Apache'));
    };
    parser.on('error', (err: unknown) => fail(`not a readable .tar.gz (${messageOf(err)})`));
    const stream = createReadStream(path);
    stream.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (firstChunk) {
        firstChunk = false;
        if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return fail('not a gzip file');
      }
      hash.update(bytes);
      parser.write(bytes);
    });
    stream.on('error', (err) => fail(`cannot read: ${messageOf(err)}`));
    stream.on('end', () => {
      if (stats.size === 0) return fail('the file is empty');
      parser.end(() => resolvePromise({ listing, sha256: hash.digest('hex') }));
    });
  });
}

/**
 * Checks that a file is a ZooKeeper binary release (gzip, one top directory, bin/zkServer.sh, jars,
 * no entry escaping the release) and returns what install needs of it. Throws InputError (exit 3).
 */
export async function inspectTarball(path: string): Promise<ReleaseTarball> {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    throw new InputError(
      `${path}: no such tarball`,
      'check the path given to --tarball or zookeeper.tarball',
    );
  }
  if (!stats.isFile()) throw new InputError(`${path}: not a file`, 'give the path of the release .tar.gz');
  if (!FILE_NAME.test(basename(path))) {
    throw new InputError(
      `${path}: the file name ${JSON.stringify(basename(path))} has characters a shell would read (it is kept as ~/setups/NAME on every host)`,
      'rename it to the release name, such as zookeeper-3.4.9.tar.gz',
    );
  }
  const { listing, sha256 } = await readListing(path, stats);
  const reject = (why: string, fix: string) => {
    throw new InputError(`${path}: ${why}`, fix);
  };
  if (listing.unsafe.length > 0) {
    reject(
      `unsafe entries, refusing to extract it: ${listing.unsafe.slice(0, 3).join('; ')}`,
      'use an unmodified release from Apache',
    );
  }
  if (listing.topDirs.size !== 1) {
    reject(
      `expected one top directory, found ${listing.topDirs.size} (${[...listing.topDirs].slice(0, 3).join(', ')})`,
      'use a ZooKeeper release tarball, whose files all sit under zookeeper-X.Y.Z/',
    );
  }
  const topDir = [...listing.topDirs][0] ?? '';
  // The release directory's name reaches every host's shell, profile and zoo.cfg paths.
  if (!FILE_NAME.test(topDir)) {
    reject(
      `its top directory ${JSON.stringify(topDir)} is not a plain release name (letters, digits, . _ + - only)`,
      'use an unmodified release from Apache (zookeeper-X.Y.Z/ or apache-zookeeper-X.Y.Z-bin/)',
    );
  }
  if (!listing.files.has(`${topDir}/bin/zkServer.sh`)) {
    reject(
      'no bin/zkServer.sh: not a ZooKeeper release',
      'use zookeeper-X.Y.Z.tar.gz or apache-zookeeper-X.Y.Z-bin.tar.gz',
    );
  }
  const jars = [...listing.files].filter((f) => /^[^/]+\/(lib\/)?[^/]+\.jar$/.test(f));
  if (jars.length === 0) {
    reject(
      'no jars: this is a source release, which cannot run',
      `use the binary release (apache-zookeeper-X.Y.Z-bin.tar.gz), not the source one (${basename(path)})`,
    );
  }
  const version =
    /(\d+\.\d+\.\d+)/.exec(topDir)?.[1] ??
    jars.map((j) => /zookeeper-(\d+\.\d+\.\d+)\.jar$/.exec(j)?.[1]).find(Boolean);
  return { path, fileName: basename(path), sha256, size: stats.size, topDir, version };
}
