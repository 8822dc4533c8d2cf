import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../errors.js';

/** OpenSSH stops following Include at this depth (READCONF_MAX_DEPTH). */
const MAX_DEPTH = 16;

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The files a glob names, sorted as ssh sorts them; `*` and `?` may stand in any path component. */
function expandGlob(pattern: string): string[] {
  const parts = pattern.split('/');
  let found = [parts[0] === '' ? '/' : (parts[0] ?? '')];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    if (!/[*?]/.test(part)) {
      found = found.map((dir) => join(dir, part)).filter((p) => existsSync(p));
      continue;
    }
    const matches = wildcard(part);
    found = found.flatMap((dir) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
      return readdirSync(dir)
        .filter((name) => !name.startsWith('.') && matches.test(name))
        .sort()
        .map((name) => join(dir, name));
    });
  }
  return found.filter((p) => statSync(p).isFile());
}

/**
 * The config's text with every `Include` replaced by the files it names, as ssh reads them: `~`
 * expanded, a relative path taken from ~/.ssh, globs sorted, missing files ignored. Inlining keeps
 * an Include inside a Host block conditional on that block, as ssh does.
 */
export function inlineIncludes(file: string, depth = 0): string {
  if (depth > MAX_DEPTH)
    throw new InputError(
      `${file}: Include nested more than ${MAX_DEPTH} deep`,
      'look for an Include that includes itself',
    );
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const include = /^\s*include\s*[= ]\s*(.+?)\s*$/i.exec(line);
      if (!include?.[1]) return [line];
      return include[1]
        .split(/\s+/)
        .map((path) => (path.startsWith('~/') ? join(homedir(), path.slice(2)) : path))
        .map((path) => (isAbsolute(path) ? path : join(homedir(), '.ssh', path)))
        .flatMap(expandGlob)
        .map((included) => inlineIncludes(included, depth + 1));
    })
    .join('\n');
}
