import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, messageOf } from '../errors.js';
import type { Inventory } from './types.js';
import { type InventoryOverrides, validateInventory } from './validate.js';

/** Where install remembers the inventory and tarball it used, for later commands in the same directory. */
const REMEMBERED = join('.zkdeploy', 'last-install.json');

/** What the last install in a directory used. */
export interface Remembered {
  inventory: string;
  tarball: string;
}

/** The last install's inventory and tarball in this directory, if any. */
export function remembered(cwd = process.cwd()): Remembered | undefined {
  const file = join(cwd, REMEMBERED);
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Remembered>;
    return typeof value.inventory === 'string' && typeof value.tarball === 'string'
      ? { inventory: value.inventory, tarball: value.tarball }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Expands a leading `~/` of a path on this machine. */
export function expandLocalHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * The inventory file to use: --inventory, else $ZKDEPLOY_INVENTORY, else the one the last install
 * in this directory used (.zkdeploy/inventory).
 */
export function resolveInventoryPath(flag: string | undefined, cwd = process.cwd()): string {
  if (flag) return resolve(cwd, expandLocalHome(flag));
  const fromEnv = process.env.ZKDEPLOY_INVENTORY;
  if (fromEnv) return resolve(cwd, expandLocalHome(fromEnv));
  const last = remembered(cwd);
  if (last) return last.inventory;
  throw new InputError(
    'no inventory given',
    'pass --inventory FILE, set ZKDEPLOY_INVENTORY, or run install with --inventory in this directory first',
  );
}

/** Remembers an install's absolute inventory and tarball paths for later commands in this directory. */
export function rememberInstall(what: Remembered, cwd = process.cwd()): void {
  mkdirSync(join(cwd, '.zkdeploy'), { recursive: true });
  writeFileSync(join(cwd, REMEMBERED), `${JSON.stringify(what, null, 2)}\n`);
}

/** Reads, parses and validates an inventory; every problem becomes one InputError (exit 3). */
export function loadInventory(path: string, overrides: InventoryOverrides = {}): Inventory {
  const shown = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new InputError(`${shown}: no such inventory file`, 'check the path given to --inventory');
    throw new InputError(`${shown}: cannot read the inventory: ${messageOf(err)}`);
  }
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    throw new InputError(
      `${shown}: not valid YAML: ${first?.message ?? 'parse error'}`,
      'fix the YAML syntax at the line shown (indentation, a missing ":" or quote)',
    );
  }
  const inventory = validateInventory(document.toJS(), shown, overrides, path);
  const { ssh } = inventory.cluster;
  if (overrides.identity !== undefined || ssh.identity === undefined) return inventory;
  // The inventory's own identity file: `~/` is this machine's home, a relative path is the inventory's.
  const identity = resolve(dirname(path), expandLocalHome(ssh.identity));
  return { ...inventory, cluster: { ...inventory.cluster, ssh: { ...ssh, identity } } };
}
