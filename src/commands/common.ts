import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ExitCode, InputError, UsageError, ZkdeployError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { didYouMean } from '../inventory/did-you-mean.js';
import { expandLocalHome, loadInventory, resolveInventoryPath } from '../inventory/load.js';
import { rememberedTarball } from '../inventory/memory.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import { viewEnsemble } from '../membership/ensemble-view.js';
import { startRefusals, strangerRefusals, unjudgedWarning } from '../membership/start-guard.js';
import type { Fleet, FleetOptions } from '../run/fleet.js';
import { appendHistory, historyBegins } from '../run/history.js';
import { lockInventory } from '../run/lock.js';
import { loadSshConfig } from '../ssh/ssh-config.js';
import { discoverTarball, releasePlaces } from '../tarball/discover.js';
import { color } from '../ui/colors.js';
import { progressView } from '../ui/progress-view.js';
import { askHidden } from '../ui/prompt.js';
import { stepSummary } from '../ui/summary.js';
import { renderRefusals } from '../ui/upgrade-view.js';
import type { UpgradeFacts } from '../upgrade/host-state.js';
import type { Refusal } from '../upgrade/preflight.js';
import { judgeDataSwap } from '../upgrade/swap-preflight.js';

/** Options every command that reaches hosts accepts. */
export interface HostOptions {
  inventory?: string;
  /** Comma-separated host names: work on these only. */
  hosts?: string;
  /** Change nothing: probe, then say what would change. */
  dryRun?: boolean;
  user?: string;
  identity?: string;
  sshPort?: number;
  /** An OpenSSH client config to read instead of ~/.ssh/config. */
  sshConfig?: string;
  become?: boolean;
  askBecomePass?: boolean;
  becomeUser?: string;
  /** Set by the CLI from --ask-pass / --ask-become-pass prompts; never from a flag's value. */
  sshPassword?: string;
  becomePassword?: string;
  /** Seconds one remote command may run. */
  commandTimeout?: number;
  acceptNewHostKeys?: boolean;
  verbose?: boolean;
  concurrency?: number;
  connectTimeout?: number;
}

/**
 * A command's flags resolved once, at the top, into what the layers below need: the inventory (flags
 * over the file), the hosts --hosts selects, and the fleet's settings. Nothing below sees the flags.
 */
export interface RunContext {
  inventory: Inventory;
  hosts: HostSpec[];
  fleet: FleetOptions;
}

type ContextOptions = HostOptions & { tarball?: string; firewall?: string };

/** The run context of a command that only reads (no lock); `progress: false` for quiet reads. */
export function readContext(
  options: ContextOptions,
  extra: Partial<FleetOptions> & { progress?: boolean } = {},
): RunContext {
  const inventory = inventoryFrom(options);
  return { inventory, hosts: selectHosts(inventory, options.hosts), fleet: fleetOptions(options, extra) };
}

/**
 * The run context of a command that changes hosts, after taking this machine's lock on the
 * inventory for `command` (a dry run changes nothing and takes none).
 */
export function lockedContext(command: string, options: ContextOptions): RunContext {
  const context = readContext(options);
  if (!options.dryRun) {
    lockInventory(context.inventory.path, command);
    historyBegins(command, context.inventory);
  }
  return { ...context, fleet: { ...context.fleet, lockHostsFor: command } };
}

/** Loads the inventory the options point at, flags overriding the file; prints its warnings. */
export function inventoryFrom(options: HostOptions & { tarball?: string; firewall?: string }): Inventory {
  const choice = resolveInventoryPath(options.inventory);
  if (choice.notice) process.stderr.write(`zkdeploy: ${choice.notice}\n`);
  if (choice.from === 'remembered' || choice.from === 'this directory') {
    if (!existsSync(choice.path)) {
      throw new InputError(
        `${choice.path}: the inventory an earlier install used is gone`,
        'pass --inventory FILE (install with it again to remember it)',
      );
    }
  }
  const inventory = loadInventory(choice.path, {
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
 * inventory file), else the one an earlier install used with this inventory, else the one
 * ZooKeeper release found where the guide and people keep it (~/setups, beside the inventory,
 * here), saying which.
 */
export function tarballPath(inventory: Inventory, flag: string | undefined): string {
  if (flag) return resolve(expandLocalHome(flag));
  const fromFile = inventory.cluster.tarball;
  if (fromFile) return resolve(dirname(inventory.path), expandLocalHome(fromFile));
  const earlier = rememberedTarball(inventory.path);
  if (earlier) return earlier;
  const found = discoverTarball(releasePlaces(dirname(inventory.path)), inventory.file);
  process.stderr.write(
    `zkdeploy: using ${found.path} (the one ZooKeeper release in ${found.place.shown}; --tarball to choose another)\n`,
  );
  return found.path;
}

/** Fleet settings from the common flags. */
export function fleetOptions(
  options: HostOptions,
  extra: Partial<FleetOptions> & { progress?: boolean } = {},
): FleetOptions {
  const { progress = true, ...rest } = extra;
  return {
    dryRun: options.dryRun ?? false,
    verbose: options.verbose ?? false,
    acceptNewHostKeys: options.acceptNewHostKeys ?? false,
    concurrency: options.concurrency ?? 32,
    connectTimeoutMs: (options.connectTimeout ?? 10) * 1000,
    sshConfig: loadSshConfig(options.sshConfig ? expandLocalHome(options.sshConfig) : undefined),
    password: options.sshPassword,
    become: { user: options.becomeUser ?? 'root', password: options.becomePassword },
    becomeRequested: Boolean(options.become || options.askBecomePass),
    commandTimeoutMs: (options.commandTimeout ?? 300) * 1000,
    display: progressView(progress, options.verbose ?? false),
    askHidden,
    ...rest,
  };
}

/** The hosts --hosts names (all when not given), checked against the inventory: a name it lacks is bad input. */
export function selectHosts(inventory: Inventory, hostsOption: string | undefined): HostSpec[] {
  if (hostsOption === undefined) return inventory.hosts;
  const wanted = hostsOption
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const known = inventory.hosts.map((h) => h.name);
  const unknown = wanted.filter((w) => !known.some((k) => k.toLowerCase() === w.toLowerCase()));
  if (unknown.length > 0 || wanted.length === 0) {
    const guess = unknown[0] ? didYouMean(unknown[0], known) : undefined;
    throw new InputError(
      `--hosts: ${unknown.length ? `${unknown.join(', ')} not in ${inventory.file}` : 'no host named'}`,
      guess
        ? `did you mean "${guess}"? The inventory's hosts: ${known.join(', ')}`
        : `the inventory's hosts: ${known.join(', ')}`,
    );
  }
  return inventory.hosts.filter((h) => wanted.some((w) => w.toLowerCase() === h.name.toLowerCase()));
}

/** The exit code of a command that changes hosts: 1 on a failure; in a dry run, 2 when something would change. */
export function exitCodeOf(fleet: Fleet): number {
  if (fleet.failed.length > 0) return ExitCode.failed;
  const changes = fleet.hosts.some((h) => h.steps.some((s) => s.outcome === 'changed'));
  return fleet.dryRun && changes ? ExitCode.no : ExitCode.ok;
}

/**
 * How a command that changes hosts ends: its exit code, and (unless a dry run) one record in the
 * inventory's audit log of what it did on each host.
 */
export function finish(command: string, fleet: Fleet): number {
  const code = exitCodeOf(fleet);
  if (!fleet.dryRun) appendHistory(command, fleet, code);
  return code;
}

export interface InstallOptions extends HostOptions {
  tarball?: string;
  firewall?: string;
  dryRun?: boolean;
  /** Skip the preflight checks (zkdeploy check) that run first. */
  skipCheck?: boolean;
  /** Then start each host as soon as it is installed, and wait for the quorum (install + start). */
  start?: boolean;
  /** Seconds to wait for every server to serve, with start. */
  timeout?: number;
}

/** Refuses --hosts: an upgrade is the whole ensemble's, one server after the other. */
export function refuseHostsOption(command: string, hosts: string | undefined): void {
  if (hosts !== undefined) {
    throw new UsageError(
      `${command} works on the whole ensemble, one server at a time; --hosts is not for it`,
      `run zkdeploy ${command} without --hosts`,
    );
  }
}

/** Stops with the refusals: bad input (exit 3) when each is the tarball's or inventory's, else exit 1. */
export function refuse(command: string, refusals: Refusal[]): never {
  process.stdout.write(renderRefusals(refusals));
  throw new ZkdeployError(
    `${command} refused: ${refusals.length === 1 ? 'a preflight check failed' : `${refusals.length} preflight checks failed`}; nothing was changed`,
    refusals.every((r) => r.badInput) ? ExitCode.badInput : ExitCode.failed,
    'fix what each line above names, then run it again',
  );
}

/** What Ctrl-C during an upgrade, rollback or restore leaves, and how to go on, said as it happens. */
export function explainInterrupt(command: 'upgrade' | 'rollback' | 'restore'): () => void {
  const left =
    command === 'restore'
      ? 'servers may be left stopped, some with the backup in place and some with their own data (kept aside either way)'
      : 'a server may be left stopped or switched';
  return onInterrupt(() => {
    process.stderr.write(
      `zkdeploy: ${command} interrupted: ${left}; \`zkdeploy ${command}\` again continues where it stopped\n`,
    );
  });
}

/** How a rolling command ends: the order it took, the summary, the ensemble's status, its exit code. */
export function endRolling(
  command: string,
  fleet: Fleet,
  outcome: { order: string[]; status?: string },
): number {
  if (outcome.order.length > 0)
    process.stdout.write(`${color.bold('order:')} ${outcome.order.join(' → ')}\n\n`);
  process.stdout.write(stepSummary(command, fleet));
  process.stdout.write(outcome.status ?? '');
  return finish(command, fleet);
}

/**
 * Asks in the terminal for `word` to be typed before something that cannot be undone; `--yes` and
 * a dry run skip the question; without a terminal it is a usage error and nothing is changed.
 */
export async function confirmTyped(
  options: { yes?: boolean | undefined; dryRun?: boolean | undefined },
  ask: { word: string; question: string; what: string; fix: string },
): Promise<void> {
  if (options.yes || options.dryRun) return;
  if (!process.stdin.isTTY)
    throw new UsageError(`${ask.what} and there is no terminal to confirm on`, ask.fix);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`Type "${ask.word}" to ${ask.question}: `);
  rl.close();
  if (answer.trim() !== ask.word) throw new UsageError(`${ask.word} not confirmed: nothing was changed`);
}

/**
 * Why starting the fleet's stopped servers could split the ensemble, judged on every server whatever
 * --hosts selects (start and install --start); the hosts it could not judge are said first.
 */
export async function startRefusalsFor(fleet: Fleet): Promise<Refusal[]> {
  const view = await viewEnsemble(fleet);
  const unjudged = unjudgedWarning(view);
  if (unjudged) process.stderr.write(`zkdeploy: warning: ${unjudged}\n`);
  return startRefusals(view);
}

/**
 * What would stop a swap of every server's data halfway (restore, a restoring rollback), found while
 * the servers still serve: a server of this ensemble running outside the inventory (judged on every
 * host the running lists name), and each host's directories, archives and release.
 */
export async function swapRefusals(
  fleet: Fleet,
  facts: ReadonlyMap<string, UpgradeFacts>,
  command: 'restore' | 'rollback',
): Promise<Refusal[]> {
  return [
    ...strangerRefusals(await viewEnsemble(fleet), command),
    ...fleet.hosts.flatMap((host) => {
      const found = facts.get(host.spec.name);
      return found
        ? judgeDataSwap(host.spec.name, found, fleet.inventory.cluster, {
            command,
            archives: command === 'rollback',
          })
        : [];
    }),
  ];
}
