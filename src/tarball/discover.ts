import { readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/** Apache's binary release names: zookeeper-X.Y.Z.tar.gz (to 3.4.x), apache-zookeeper-X.Y.Z-bin.tar.gz (3.5+). */
const RELEASE_NAME = /^(zookeeper-\d+\.\d+\.\d+|apache-zookeeper-\d+\.\d+\.\d+-bin)\.tar\.gz$/;

/** A directory to look in, and how to name it to the user. */
export interface Place {
  dir: string;
  shown: string;
}

/** Where people keep a release: the guide's ~/setups, beside the inventory, here. */
export function releasePlaces(inventoryDir: string, cwd = process.cwd()): Place[] {
  const home = homedir();
  const show = (dir: string) =>
    dir === home ? '~' : dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
  return [join(home, 'setups'), inventoryDir, cwd].map((dir) => ({ dir, shown: show(dir) }));
}

/** The release tarballs in one directory (none when it does not exist or cannot be read). */
function releasesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => RELEASE_NAME.test(name))
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** A tarball found without --tarball, and where, to say so. */
export interface Found {
  path: string;
  place: Place;
}

/**
 * The one ZooKeeper release found in `places` (the same file seen from two places counts once).
 * Several, or none, is bad input that says what was found, or where it looked, and what to do.
 */
export function discoverTarball(places: Place[], inventoryFile: string): Found {
  const found = new Map<string, Found>();
  for (const place of places) {
    for (const path of releasesIn(place.dir)) {
      const real = realpathSync(path);
      if (!found.has(real)) found.set(real, { path, place });
    }
  }
  const candidates = [...found.values()];
  const [only] = candidates;
  if (only && candidates.length === 1) return only;
  const looked = [...new Set(places.map((p) => p.shown))].join(', ');
  if (candidates.length === 0) {
    throw new InputError(
      `${inventoryFile}: no tarball given, and no ZooKeeper release (zookeeper-X.Y.Z.tar.gz, apache-zookeeper-X.Y.Z-bin.tar.gz) in ${looked}`,
      'put the release in ~/setups as the guide does, pass --tarball FILE, or set zookeeper.tarball in the inventory',
    );
  }
  throw new InputError(
    `${inventoryFile}: no tarball given, and ${candidates.length} ZooKeeper releases found:\n  ${candidates.map((c) => c.path).join('\n  ')}`,
    'pass --tarball with the one to install (or set zookeeper.tarball in the inventory)',
  );
}
