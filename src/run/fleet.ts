import { InputError, messageOf } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import type { PlannedStep, StepOutcome } from '../plan/step.js';
import type { Become } from '../remote/become.js';
import { Connector } from '../ssh/connector.js';
import type { SshRoute } from '../ssh/route.js';
import { resolveRoute } from '../ssh/route.js';
import type { SshConfigSource } from '../ssh/ssh-config.js';
import type { AskHidden } from '../ssh/unlock.js';
import { HostExecutor, seconds } from './executor.js';
import { historyFollows } from './history.js';
import { journalStep, releaseHostLocks, takeHostLocks } from './host-lock.js';
import { type Progress, SILENT_PROGRESS, type StepRecord } from './progress.js';

/** How a command wants its hosts handled. */
export interface FleetOptions {
  dryRun: boolean;
  /** A command that changes hosts: the ensemble's lock on each host is taken when it connects (run/host-lock.ts). */
  lockHostsFor?: string | undefined;
  verbose: boolean;
  acceptNewHostKeys: boolean;
  /** Hosts worked on at once. */
  concurrency: number;
  connectTimeoutMs: number;
  /** ~/.ssh/config or --ssh-config, asked per host. */
  sshConfig: SshConfigSource;
  /** The SSH password (--ask-pass); kept in memory only. */
  password?: string | undefined;
  /** How privileged steps run (sudo to root, with the --ask-become-pass password or none). */
  become?: Become | undefined;
  /** --become: check that sudo works before anything needs it. */
  becomeRequested?: boolean;
  /** How long one remote command may run. */
  commandTimeoutMs?: number | undefined;
  /** The progress display for these hosts, made once connecting begins. */
  display: (hosts: string[]) => Promise<Progress>;
  /** Asks hidden questions on the terminal (key passphrases). */
  askHidden: AskHidden;
}

/** A host as the fleet knows it: its executor once connected, its first error, what its steps did. */
export interface FleetHost {
  spec: HostSpec;
  executor: HostExecutor | undefined;
  error: Error | undefined;
  steps: StepRecord[];
}

/** Runs `work` over items with at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const runners = Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(runners);
}

function routeFor(inventory: Inventory, options: FleetOptions, spec: HostSpec): SshRoute {
  return resolveRoute(spec, inventory.cluster.ssh, options.sshConfig, options.acceptNewHostKeys);
}

/** The hosts of an inventory over one SSH connection each, opened at the start and reused for every step. */
export class Fleet {
  readonly hosts: FleetHost[];
  readonly progress: Progress;
  private closed = false;
  private connector: Connector | undefined;
  /** A quiet fleet borrows its parent's connector, and leaves closing it to the parent. */
  private ownsConnector = false;

  private constructor(
    readonly inventory: Inventory,
    private readonly options: FleetOptions,
    specs: HostSpec[],
    progress: Progress,
  ) {
    this.hosts = specs.map((spec) => ({ spec, executor: undefined, error: undefined, steps: [] }));
    this.progress = progress;
  }

  /**
   * Connects to the given hosts (default: all of the inventory) at once, bounded; a host that cannot
   * be reached keeps its error.
   */
  static async open(
    inventory: Inventory,
    options: FleetOptions,
    specs: HostSpec[] = inventory.hosts,
  ): Promise<Fleet> {
    const routes = specs.map((spec) => routeFor(inventory, options, spec));
    const connector = new Connector(routes, options.connectTimeoutMs, options.password);
    const warnings = [...routes.flatMap((r) => r.warnings), ...(await connector.unlock(options.askHidden))];
    for (const warning of new Set(warnings)) process.stderr.write(`warning: ${warning}\n`);
    // The progress view starts only now: a passphrase prompt above must not be drawn over.
    const progress = await options.display(specs.map((h) => h.name));
    const fleet = new Fleet(inventory, options, specs, progress);
    fleet.connector = connector;
    fleet.ownsConnector = true;
    historyFollows(fleet);
    await fleet.connectAll(routes, connector);
    if (options.lockHostsFor && !options.dryRun) {
      fleet.lockHeld = true;
      // Ctrl-C gives the locks back too (a dead laptop's are taken over as stale by its next run).
      fleet.unregisterLockRelease = onInterrupt(() => fleet.releaseLock());
      // --hosts narrows what changes, not who else may change the ensemble: every host is locked.
      const known = new Set(specs.map((s) => s.name.toLowerCase()));
      const rest = inventory.hosts.filter((s) => !known.has(s.name.toLowerCase()));
      if (rest.length > 0) fleet.lockOnly = await fleet.openQuietly(rest);
      await takeHostLocks(fleet.lockOnly ? [fleet, fleet.lockOnly] : [fleet], options.lockHostsFor).catch(
        async (err: unknown) => {
          await fleet.close();
          throw err;
        },
      );
    }
    return fleet;
  }

  /** This fleet holds its hosts' ensemble lock (released as it closes). */
  private lockHeld = false;
  /** The inventory's hosts outside the fleet (--hosts), connected only to hold their lock. */
  private lockOnly: Fleet | undefined;
  private unregisterLockRelease: (() => void) | undefined;

  /** Once per fleet, whichever comes first: its close, or Ctrl-C. */
  private async releaseLock(): Promise<void> {
    if (!this.lockHeld) return;
    this.lockHeld = false;
    this.unregisterLockRelease?.();
    await Promise.all([releaseHostLocks(this), this.lockOnly && releaseHostLocks(this.lockOnly)]);
    await this.lockOnly?.close();
  }

  /**
   * A quiet fleet on other hosts, over this one's connector (its keys unlocked once, its jump hosts,
   * its settings): for reading what the hosts a command does not work on say (the rest of the
   * ensemble, whatever --hosts selects). Nothing is shown for them; the caller closes it.
   */
  async openQuietly(specs: HostSpec[]): Promise<Fleet> {
    const options = { ...this.options, display: async () => SILENT_PROGRESS };
    const fleet = new Fleet(this.inventory, options, specs, SILENT_PROGRESS);
    fleet.connector = this.connector;
    if (this.connector) {
      const connector = this.connector;
      const routes = specs.map((spec) => routeFor(this.inventory, options, spec));
      // A key only these hosts use is unlocked now (its warnings were the parent's to print, if any).
      connector.addRoutes(routes);
      await connector.unlock(this.options.askHidden);
      await fleet.connectAll(routes, connector);
    }
    return fleet;
  }

  private async connectAll(routes: SshRoute[], connector: Connector): Promise<void> {
    await eachLimited(
      this.hosts.map((host, i) => ({ host, route: routes[i] as SshRoute })),
      this.options.concurrency,
      async ({ host, route }) => {
        this.progress.hostStarted(host.spec.name);
        try {
          host.executor = await this.connect(host.spec.name, route, connector);
        } catch (err: unknown) {
          host.error = err instanceof Error ? err : new Error(messageOf(err));
          host.steps.push({ id: 'connect', title: 'connect', outcome: 'failed', detail: messageOf(err) });
        }
      },
    );
  }

  private async connect(name: string, route: SshRoute, connector: Connector): Promise<HostExecutor> {
    const log = this.options.verbose
      ? (host: string, line: string) => this.progress.log(host, line)
      : undefined;
    const started = performance.now();
    const session = await connector.connect(route);
    const executor = new HostExecutor(session, {
      dryRun: this.options.dryRun,
      log,
      become: this.options.become,
      commandTimeoutMs: this.options.commandTimeoutMs,
      report: (name, text) => this.progress.stepProgress(name, text),
    });
    // Since the process began, too: what Node and zkdeploy took before any host was asked.
    log?.(
      name,
      `connected in ${seconds(started)}, ${(performance.now() / 1000).toFixed(3)}s after zkdeploy started`,
    );
    return executor;
  }

  /**
   * Connects to a host again, for a command that runs until stopped (the dashboard): one that could
   * not be reached, or whose connection was lost. The old connection is closed; on success the
   * host's error is cleared, else it is this attempt's.
   */
  async reconnect(host: FleetHost): Promise<void> {
    if (this.closed || !this.connector) return;
    host.executor?.session.close();
    host.executor = undefined;
    try {
      const executor = await this.connect(host.spec.name, this.routeOf(host.spec), this.connector);
      if (this.closed) return executor.session.close();
      host.executor = executor;
      host.error = undefined;
    } catch (err: unknown) {
      host.error = err instanceof Error ? err : new Error(messageOf(err));
    }
  }

  /** --become was asked for: checks include sudo to the become user. */
  /** A dry run's fleet changes nothing (its executors only say what they would run): decided here, once, for every command. */
  get dryRun(): boolean {
    return this.options.dryRun;
  }

  get becomeRequested(): boolean {
    return this.options.becomeRequested ?? false;
  }

  /** How a host of the inventory is reached over SSH (flags > inventory > ssh config > defaults). */
  routeOf(spec: HostSpec): SshRoute {
    return routeFor(this.inventory, this.options, spec);
  }

  /**
   * Runs one phase on every connected host that has not failed yet. A throw is not passed on: it
   * marks that host failed (its `error`), and the other hosts go on.
   */
  async eachHostMarkingFailures(
    work: (host: FleetHost, executor: HostExecutor) => Promise<void>,
  ): Promise<void> {
    const ready = this.hosts.filter((h) => h.executor && !h.error);
    await eachLimited(ready, this.options.concurrency, async (host) => {
      try {
        if (host.executor) await work(host, host.executor);
      } catch (err: unknown) {
        host.error = err instanceof Error ? err : new Error(messageOf(err));
      }
    });
  }

  /**
   * Applies planned steps on one host in order, reporting each; the first failure stops the host.
   * Consecutive steps that only write files and run commands go to the host as one command.
   */
  async applySteps(host: FleetHost, executor: HostExecutor, steps: PlannedStep[]): Promise<void> {
    for (let next = 0; next < steps.length; ) {
      const together = executor.dryRun ? 1 : batchableRun(steps, next);
      if (together < 2) {
        await this.applyStep(host, executor, steps[next] as PlannedStep);
        next++;
        continue;
      }
      const batch = steps.slice(next, next + together);
      const acting = batch.filter((step) => step.actions.length > 0);
      // Shown as started while the batch runs; the others are shown as each is recorded.
      const first = acting[0] ?? (batch[0] as PlannedStep);
      this.progress.stepStarted(host.spec.name, first.title);
      let done = 0;
      let error: Error | undefined;
      try {
        if (acting.length > 0) ({ done, error } = await executor.applyTogether(acting));
      } catch (err: unknown) {
        // Cut off (the connection lost, --command-timeout): which steps ran is unknown, so the first
        // one carries the failure; a re-run plans again from what is there.
        error = err instanceof Error ? err : new Error(messageOf(err));
      }
      let carriedOut = 0;
      for (const step of batch) {
        if (step !== first) this.progress.stepStarted(host.spec.name, step.title);
        if (step.actions.length > 0 && carriedOut++ >= done) {
          this.record(host, { id: step.id, title: step.title, outcome: 'failed', detail: messageOf(error) });
          throw error ?? new Error(`${step.title} was not carried out`);
        }
        this.record(host, outcomeOf(step));
      }
      next += together;
    }
  }

  private async applyStep(host: FleetHost, executor: HostExecutor, step: PlannedStep): Promise<void> {
    await this.runStep(host, step.id, step.title, async () => {
      if (step.failure) throw new Error(`${step.failure.message}\n    fix: ${step.failure.fix}`);
      for (const action of step.actions) await executor.apply(action);
      const { outcome, detail } = outcomeOf(step);
      return { outcome: outcome as Exclude<StepOutcome, 'failed'>, detail };
    });
  }

  /** Runs one step on a host and reports how it ended; a throw fails the step and the host. */
  async runStep(
    host: FleetHost,
    id: string,
    title: string,
    work: () => Promise<{ outcome: Exclude<StepOutcome, 'failed'>; detail: string }>,
  ): Promise<void> {
    // A changing run's steps go in the host's journal: begun before the step runs (a dead laptop's
    // last word), ended after it, not waited for (the fleet waits for those before it closes).
    const journal = this.lockHeld
      ? (event: 'begun' | 'ended', outcome?: string) =>
          journalStep(host, this.inventory.cluster.installDir, {
            step: id,
            title,
            event,
            ...(outcome ? { outcome } : {}),
          })
      : async () => undefined;
    const ended = (outcome: string) => {
      const written = journal('ended', outcome);
      this.journalWrites.add(written);
      void written.finally(() => this.journalWrites.delete(written));
    };
    await journal('begun');
    killPoint(id, host.spec.name);
    this.progress.stepStarted(host.spec.name, title);
    this.inStep.add(host.spec.name);
    try {
      const { outcome, detail } = await work();
      this.record(host, { id, title, outcome, detail });
      ended(outcome);
    } catch (err: unknown) {
      this.record(host, { id, title, outcome: 'failed', detail: messageOf(err) });
      ended('failed');
      throw err;
    } finally {
      this.inStep.delete(host.spec.name);
    }
  }

  /** Says what the hosts in a step now wait for (a wait that is the ensemble's, not one host's). */
  waitingFor(text: string): void {
    for (const name of this.inStep) this.progress.stepProgress(name, text);
  }

  /** Journal lines on their way to the hosts. */
  private readonly journalWrites = new Set<Promise<void>>();

  /** Hosts in a step now. */
  private readonly inStep = new Set<string>();

  /** Records a step's end on a host and shows it. */
  record(host: FleetHost, record: StepRecord): void {
    host.steps.push(record);
    this.progress.stepEnded(host.spec.name, record);
  }

  /** Ends the progress view and closes every connection; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.journalWrites);
    await this.releaseLock();
    for (const host of this.hosts) this.progress.hostEnded(host.spec.name, host.error);
    await this.progress.close();
    for (const host of this.hosts) host.executor?.session.close();
    if (this.ownsConnector) this.connector?.close();
  }

  /**
   * Bad input that only a host could reveal (a directory that is the SSH user's home there): the
   * whole command stops with it before anything changes, as bad input found before connecting does.
   */
  refuseBadInput(): void {
    const bad = this.hosts.flatMap((h) => (h.error instanceof InputError ? [h.error] : []));
    const first = bad[0];
    if (!first) return;
    const messages = [...new Set(bad.map((e) => e.message))];
    throw new InputError(messages.join('\n'), first.fix);
  }

  /** Hosts that failed somewhere. */
  get failed(): FleetHost[] {
    return this.hosts.filter((h) => h.error);
  }
}

/** How a step that was carried out (or had nothing to do) ended. */
function outcomeOf(step: PlannedStep): StepRecord {
  const { id, title } = step;
  if (step.skipped) return { id, title, outcome: 'skipped', detail: step.note ?? '' };
  return step.change
    ? { id, title, outcome: 'changed', detail: step.reason }
    : { id, title, outcome: 'unchanged', detail: step.note ?? '' };
}

/** How many steps from `start` on can go to the host as one command: those that only write and exec. */
function batchableRun(steps: PlannedStep[], start: number): number {
  let end = start;
  while (end < steps.length) {
    const step = steps[end] as PlannedStep;
    if (step.failure || !step.actions.every((a) => a.kind === 'write' || a.kind === 'exec')) break;
    end++;
  }
  return end - start;
}

/**
 * The fault-injection hook of the end-to-end tests (and of anyone proving a run can be killed
 * anywhere): ZKDEPLOY_TEST_KILL_AT=STEP or STEP@HOST kills zkdeploy outright (SIGKILL, as a dead
 * laptop would) the moment that step begins, on that host or on the first to reach it.
 */
function killPoint(step: string, host: string): void {
  const at = process.env.ZKDEPLOY_TEST_KILL_AT;
  if (at && (at === step || at.toLowerCase() === `${step}@${host}`.toLowerCase()))
    process.kill(process.pid, 'SIGKILL');
}
