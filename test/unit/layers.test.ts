// The source's layering, one-way: a module imports only from its own directory or from layers below
// it, so the core never reaches up into the CLI, the display or a command.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

/** Bottom to top. Within one layer, directories do not import each other. */
const LAYERS: string[][] = [
  ['errors.ts', 'timing.ts'],
  ['interrupt.ts', 'remote'],
  ['inventory', 'init'],
  ['tarball', 'render', 'firewall'],
  ['ssh'],
  ['plan', 'zk'],
  ['run'],
  ['ops'],
  ['check', 'verify', 'upgrade', 'membership', 'dashboard'],
  // Backups name what they set aside as upgrades do, and read logs with their helpers.
  ['backup'],
  ['ui', 'help-examples.ts'],
  ['commands'],
  ['completion.ts'],
  ['cli.ts'],
];
const rank = new Map(LAYERS.flatMap((layer, i) => layer.map((unit) => [unit, i] as const)));

/** A source file's unit: its top directory under src/, or the file itself at the top. */
const unitOf = (path: string) => path.split('/')[0] ?? path;

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
}

test('imports go one way: down the layers, never up or across', () => {
  const src = join(repoRoot, 'src');
  const wrong: string[] = [];
  for (const file of sources(src)) {
    const unit = unitOf(file);
    const own = rank.get(unit);
    assert.notEqual(own, undefined, `src/${file}: ${unit} is in no layer of this test`);
    const text = readFileSync(join(src, file), 'utf8');
    // Static imports and dynamic ones alike: a lazy `import('../commands/plan.js')` is still a dependency.
    for (const [, target] of text.matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)'/g)) {
      const resolved = relative(src, join(src, file, '..', target ?? '')).replace(/\.js$/, '.ts');
      const other = unitOf(resolved);
      if (other === unit) continue;
      const theirs = rank.get(other);
      if (theirs === undefined || own === undefined || theirs >= own)
        wrong.push(`src/${file} imports ${resolved}`);
    }
    // Commands share only common.ts; one command never reaches into another.
    if (unit === 'commands')
      for (const [, target] of text.matchAll(/(?:from |import\()'\.\/([^']+)\.js'/g))
        if (target !== 'common') wrong.push(`src/${file} imports commands/${target}`);
  }
  assert.deepEqual(wrong, []);
});
