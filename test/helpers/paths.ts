import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the tests');
    dir = parent;
  }
  return dir;
}

/** The checkout's root (tests run compiled from dist/test, so it is found, not assumed). */
export const repoRoot = findRepoRoot();
export const labScript = join(repoRoot, 'test', 'lab', 'lab.sh');
export const cliPath = join(repoRoot, 'bin', 'zkdeploy');
