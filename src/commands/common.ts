import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { expandLocalHome, loadInventory, remembered, resolveInventoryPath } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import type { FleetOptions } from '../run/fleet.js';

/** Options every command that reaches hosts accepts. */
export interface HostOptions {
  inventory?: string;
  user?: string;
  identity?: string;
  sshPort?: number;
  acceptNewHostKeys?: boolean;
  verbose?: boolean;
  parallel?: number;
  connectTimeout?: number;
}

/** Loads the inventory the options point at, flags overriding the file; prints its warnings. */
export function inventoryFrom(options: HostOptions & { tarball?: string; firewall?: string }): Inventory {
  const path = resolveInventoryPath(options.inventory);
  const inventory = loadInventory(path, {
    tarball: options.tarball,
    user: options.user,
    identity: options.identity ? expandLocalHome(options.identity) : undefined,
    sshPort: options.sshPort,
    firewall: options.firewall,
  });
  for (const warning of inventory.warnings) process.stderr.write(`zkdeploy: warning: ${warning}\n`);
  return inventory;
}

/**
 * The tarball's local path: --tarball (relative to here), else the inventory's (relative to the
 * inventory file), else the one the last install here used with this inventory.
 */
export function tarballPath(inventory: Inventory, flag: string | undefined): string {
  if (flag) return resolve(expandLocalHome(flag));
  const fromFile = inventory.cluster.tarball;
  if (fromFile) return resolve(dirname(inventory.path), expandLocalHome(fromFile));
  const last = remembered();
  if (last && last.inventory === inventory.path) return last.tarball;
  throw new InputError(
    `${inventory.file}: no tarball given`,
    'pass --tarball FILE or set zookeeper.tarball in the inventory',
  );
}

/** Fleet settings from the common flags. */
export function fleetOptions(options: HostOptions, extra: Partial<FleetOptions> = {}): FleetOptions {
  return {
    dryRun: false,
    verbose: options.verbose ?? false,
    acceptNewHostKeys: options.acceptNewHostKeys ?? false,
    concurrency: options.parallel ?? 32,
    connectTimeoutMs: (options.connectTimeout ?? 10) * 1000,
    progress: true,
    ...extra,
  };
}
