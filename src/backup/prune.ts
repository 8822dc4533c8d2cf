import { readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST, type Manifest, readManifest, storedPath } from './manifest.js';

/** Backups of one ensemble in a directory, newest first: only directories holding a manifest of ours. */
export function backupsOf(outDir: string, ensemble: string): { dir: string; manifest: Manifest }[] {
  const found: { dir: string; manifest: Manifest }[] = [];
  for (const name of readdirSync(outDir)) {
    const dir = join(outDir, name);
    if (name.startsWith('.') || !statSync(dir).isDirectory()) continue;
    try {
      const manifest = readManifest(dir);
      if (manifest.ensemble === ensemble) found.push({ dir, manifest });
    } catch {
      // Not a backup of ours: never touched.
    }
  }
  return found.sort((a, b) => (a.manifest.takenAt < b.manifest.takenAt ? 1 : -1));
}

/**
 * Removes the backups of an ensemble beyond the newest `keep`: the files each manifest lists and the
 * manifest, then the emptied directories. Anything else found in one stays, with its directory.
 */
export function pruneBackups(
  outDir: string,
  ensemble: string,
  keep: number,
): { removed: string[]; kept: string[] } {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const { dir, manifest } of backupsOf(outDir, ensemble).slice(keep)) {
    for (const file of manifest.files) rmSync(storedPath(dir, file), { force: true });
    rmSync(join(dir, MANIFEST), { force: true });
    try {
      rmdirSync(join(dir, 'files'));
      rmdirSync(dir);
      removed.push(dir);
    } catch {
      kept.push(dir);
    }
  }
  return { removed, kept };
}
