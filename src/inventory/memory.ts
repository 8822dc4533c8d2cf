import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';

/**
 * What an install used, remembered so that later commands need no flags: in the directory it ran
 * in (.zkdeploy/last-install.json), and for the user, every ensemble installed from this account
 * ($XDG_STATE_HOME/zkdeploy/ensembles.json, as TiUP keeps its clusters), so `zkdeploy status`
 * answers from any directory.
 */
export interface Remembered {
  inventory: string;
  tarball: string;
  /** The tarball an upgrade moved the ensemble from: what a rollback makes the remembered one again. */
  previous?: string | undefined;
}

/** One ensemble the user installed: named after its inventory file (lzy.yaml → lzy). */
export interface RememberedEnsemble extends Remembered {
  name: string;
  /** When it was last installed (ISO 8601). */
  installed: string;
}

const HERE = join('.zkdeploy', 'last-install.json');

/** The per-user store: XDG's state directory (~/.local/state unless XDG_STATE_HOME says). */
function userStore(): string {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'zkdeploy', 'ensembles.json');
}

/** The name an ensemble is known by: its inventory file's name without .yaml. */
export function ensembleName(inventoryPath: string): string {
  return basename(inventoryPath, extname(inventoryPath));
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // A damaged memory is forgotten, never an error: it only saves typing.
    return undefined;
  }
}

const isRemembered = (value: unknown): value is Remembered =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Remembered).inventory === 'string' &&
  typeof (value as Remembered).tarball === 'string';

/** Replaces a file whole (a reader never sees half of it). */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The last install's inventory and tarball in this directory, if any. */
export function rememberedHere(cwd = process.cwd()): Remembered | undefined {
  const value = readJson(join(cwd, HERE));
  if (!isRemembered(value)) return undefined;
  const previous = typeof value.previous === 'string' ? value.previous : undefined;
  return { inventory: value.inventory, tarball: value.tarball, ...(previous ? { previous } : {}) };
}

/** Every ensemble this user installed, the most recently installed last. */
export function rememberedEnsembles(): RememberedEnsemble[] {
  const value = readJson(userStore()) as { ensembles?: unknown } | undefined;
  const list = Array.isArray(value?.ensembles) ? value.ensembles : [];
  return list
    .filter(
      (e): e is RememberedEnsemble =>
        isRemembered(e) &&
        typeof (e as RememberedEnsemble).name === 'string' &&
        typeof (e as RememberedEnsemble).installed === 'string',
    )
    .sort((a, b) => a.installed.localeCompare(b.installed));
}

/** What an install used, for this directory and for the user (absolute paths). */
export function rememberInstall(what: Remembered, cwd = process.cwd()): void {
  mkdirSync(join(cwd, '.zkdeploy'), { recursive: true });
  writeAtomically(join(cwd, HERE), `${JSON.stringify(what, null, 2)}\n`);
  const store = userStore();
  const ensembles = rememberedEnsembles().filter((e) => e.inventory !== what.inventory);
  ensembles.push({
    name: ensembleName(what.inventory),
    ...what,
    installed: new Date().toISOString(),
  });
  mkdirSync(join(store, '..'), { recursive: true, mode: 0o700 });
  writeAtomically(store, `${JSON.stringify({ ensembles }, null, 2)}\n`);
}

/** The tarball an earlier install used with this inventory: here first, then the user's. */
export function rememberedTarball(inventoryPath: string, cwd = process.cwd()): string | undefined {
  return rememberedFor(inventoryPath, cwd)?.tarball;
}

/** What an earlier install or upgrade with this inventory remembered: here first, then the user's. */
export function rememberedFor(inventoryPath: string, cwd = process.cwd()): Remembered | undefined {
  const here = rememberedHere(cwd);
  if (here?.inventory === inventoryPath) return here;
  return rememberedEnsembles().find((e) => e.inventory === inventoryPath);
}

/**
 * After an upgrade: the new release is the one later commands use without --tarball (an install
 * with the old one would switch the servers back behind the upgrade's back), the old one is kept
 * for a rollback. After a rollback: the old one again.
 */
export function rememberUpgrade(inventoryPath: string, tarball: string, cwd = process.cwd()): void {
  const before = rememberedFor(inventoryPath, cwd)?.tarball;
  rememberInstall(
    { inventory: inventoryPath, tarball, ...(before && before !== tarball ? { previous: before } : {}) },
    cwd,
  );
}

export function rememberRollback(inventoryPath: string, cwd = process.cwd()): void {
  const previous = rememberedFor(inventoryPath, cwd)?.previous;
  if (previous) rememberInstall({ inventory: inventoryPath, tarball: previous }, cwd);
}
