import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, messageOf } from '../errors.js';
import { rememberedEnsembles, rememberedHere } from './memory.js';
import type { Inventory } from './types.js';
import { type InventoryOverrides, validateInventory } from './validate.js';

/** Expands a leading `~/` of a path on this machine. */
export function expandLocalHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** The inventory a command uses, where it came from, and what to tell the user about the choice. */
export interface InventoryChoice {
  path: string;
  from: 'flag' | 'environment' | 'this directory' | 'remembered';
  /** Said on stderr: which of several remembered ensembles is answered, and how to choose. */
  notice?: string;
}

/**
 * The inventory file to use: --inventory (a file, or the name of a remembered ensemble), else
 * $ZKDEPLOY_INVENTORY, else the one the last install in this directory used, else the ensemble
 * this user installed last (saying so, and how to choose, when there are several).
 */
export function resolveInventoryPath(flag: string | undefined, cwd = process.cwd()): InventoryChoice {
  if (flag) {
    const path = resolve(cwd, expandLocalHome(flag));
    if (existsSync(path)) return { path, from: 'flag' };
    const named = rememberedEnsembles().filter((e) => e.name === flag);
    const [only] = named;
    if (only && named.length === 1) return { path: only.inventory, from: 'remembered' };
    if (named.length > 1) {
      throw new InputError(
        `"${flag}" names ${named.length} remembered ensembles: ${named.map((e) => e.inventory).join(', ')}`,
        'pass --inventory with the path of the one you mean',
      );
    }
    return { path, from: 'flag' };
  }
  const fromEnv = process.env.ZKDEPLOY_INVENTORY;
  if (fromEnv) return { path: resolve(cwd, expandLocalHome(fromEnv)), from: 'environment' };
  const here = rememberedHere(cwd);
  if (here) return { path: here.inventory, from: 'this directory' };
  const ensembles = rememberedEnsembles();
  const last = ensembles.at(-1);
  if (!last) {
    throw new InputError(
      'no inventory given',
      'pass --inventory FILE, set ZKDEPLOY_INVENTORY, or run install --inventory FILE first (later commands remember it)',
    );
  }
  if (ensembles.length === 1) return { path: last.inventory, from: 'remembered' };
  const names = ensembles.map((e) => e.name).join(', ');
  return {
    path: last.inventory,
    from: 'remembered',
    notice:
      `answering for ${last.name} (${last.inventory}), the last installed of ${ensembles.length} ` +
      `remembered ensembles (${names}); choose with --inventory FILE or --inventory NAME`,
  };
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
