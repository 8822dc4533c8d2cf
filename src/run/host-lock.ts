import { createHash, randomBytes } from 'node:crypto';
import { ExitCode, messageOf, ZkdeployError } from '../errors.js';
import {
  appendJournalScript,
  hostJournalPath,
  hostLockPath,
  releaseHostLockScript,
  takeHostLockScript,
} from '../remote/host-lock.js';
import type { Fleet, FleetHost } from './fleet.js';
import { judgeHolder, type LockOwner, thisHolder } from './lock.js';

/** Hosts whose lock this process holds, and how many holds of its fleets it has (scale opens several). */
const held = new Map<string, { count: number; path: string }>();
/** The hosts each fleet holds: a fleet gives back only what it took. */
const heldBy = new WeakMap<Fleet, Set<string>>();
let ownText: string | undefined;
/** This run, in its lock and in every journal line it writes. */
const runToken = randomBytes(8).toString('hex');

const keyOf = (host: FleetHost) => host.spec.name.toLowerCase();

const installDirKey = (installDir: string) =>
  createHash('sha256')
    .update(installDir.replace(/\/+$/, '') || '/')
    .digest('hex')
    .slice(0, 12);

/** The ensemble's lock on a host, for an inventory's install directory. */
export const ensembleLockPath = (installDir: string) => hostLockPath(installDirKey(installDir));
/** The ensemble's journal on a host, beside its lock. */
export const ensembleJournalPath = (installDir: string) => hostJournalPath(installDirKey(installDir));

/** One step of this run begun or ended on a host, as the journal keeps it. */
export interface JournalEntry {
  run: string;
  at: string;
  step: string;
  title: string;
  event: 'begun' | 'ended';
  outcome?: string;
}

/** Writes a step's line in the host's journal; a journal that cannot be written never fails the step. */
export async function journalStep(
  host: FleetHost,
  installDir: string,
  entry: Omit<JournalEntry, 'run' | 'at'>,
): Promise<void> {
  const line: JournalEntry = { run: runToken, at: new Date().toISOString(), ...entry };
  await host.executor
    ?.run(appendJournalScript(ensembleJournalPath(installDir), JSON.stringify(line)), 'writing the journal', {
      allowFailure: true,
    })
    .catch(() => undefined);
}

/**
 * The journal's lines of one run, read back from a host (anything else there is skipped), in the
 * order they were written on the control side: a step's end is not waited for, so it may land after
 * the next step's beginning.
 */
export function journalOf(text: string, run: string): JournalEntry[] {
  const entries = text.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Partial<JournalEntry>;
      return entry.run === run && typeof entry.step === 'string' && typeof entry.event === 'string'
        ? [entry as JournalEntry]
        : [];
    } catch {
      return [];
    }
  });
  return entries.sort((a, b) => String(a.at).localeCompare(String(b.at)));
}

const holderSays = (owner: Partial<LockOwner>, elsewhere: boolean) =>
  `pid ${owner.pid ?? '?'}${elsewhere ? ` on ${owner.host ?? 'another machine'}` : ''}, \`zkdeploy ${owner.command ?? '?'}\`, since ${owner.since ?? '?'}`;

type Outcome = { taken: true } | { taken: false; refusal: string; fix: string };

async function takeOne(host: FleetHost, path: string, text: string): Promise<Outcome> {
  const executor = host.executor;
  if (!executor) return { taken: true };
  let stale: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const result = await executor.probe(takeHostLockScript(path, text, stale));
    const lines = result.stdout.split('\n');
    const at = lines.findIndex((l) => ['@@taken', '@@held', '@@failed'].includes(l));
    const where = `${path} on ${host.spec.name}`;
    if (lines[at] === '@@taken') return { taken: true };
    if (at < 0 || lines[at] === '@@failed')
      return {
        taken: false,
        refusal: `${host.spec.name}: the ensemble's lock could not be taken (${(at < 0 ? result.stderr || `exit ${result.code}` : (lines[at + 1] ?? '')).trim().slice(0, 200)})`,
        fix: `make ${where} writable for the SSH user`,
      };
    const holder = (lines[at + 1] ?? '').trim();
    // This run's own (a home two host names share): held already.
    if (holder === text) return { taken: true };
    const judged = judgeHolder(holder);
    if (judged.kind === 'stale' && attempt === 0) {
      process.stderr.write(
        `zkdeploy: warning: ${host.spec.name}: taking over a stale lock left by ${holderSays(judged.owner, false)}\n`,
      );
      stale = holder;
      continue;
    }
    if (judged.kind === 'unreadable')
      return {
        taken: false,
        refusal: `${host.spec.name}: a lock names no zkdeploy run (${JSON.stringify(holder.slice(0, 80))})`,
        fix: `if no zkdeploy works on this ensemble now, remove ${where}`,
      };
    if (judged.kind === 'elsewhere')
      return {
        taken: false,
        refusal: `${host.spec.name}: another zkdeploy works on this ensemble: ${holderSays(judged.owner, true)}`,
        fix: `wait for it to finish; a run on another machine is never judged stale from here: if it is gone for certain, remove ${where}`,
      };
    return {
      taken: false,
      refusal: `${host.spec.name}: another zkdeploy works on this ensemble: ${holderSays(judged.owner, false)}`,
      fix: 'wait for it to finish, or stop it first',
    };
  }
}

/**
 * Takes the ensemble's lock on every connected host of the fleets before a command changes anything:
 * two runs on one ensemble meet here whichever inventory file, copy or machine they come from. A dead
 * run of this machine is taken over (said); a live one, or one of another machine, refuses the whole
 * command with nothing changed, each host named with its holder and the way out.
 */
export async function takeHostLocks(fleets: readonly Fleet[], command: string): Promise<void> {
  ownText ??= JSON.stringify(thisHolder(command, runToken));
  const text = ownText;
  const refusals: string[] = [];
  const fixes = new Set<string>();
  await Promise.all(
    fleets.map(async (fleet) => {
      const mine = new Set<string>();
      heldBy.set(fleet, mine);
      const path = ensembleLockPath(fleet.inventory.cluster.installDir);
      await Promise.all(
        fleet.hosts.map(async (host) => {
          if (!host.executor) return;
          const key = keyOf(host);
          const already = held.get(key);
          if (already) {
            already.count += 1;
            mine.add(key);
            return;
          }
          const outcome = await takeOne(host, path, text).catch(
            (err: unknown): Outcome => ({
              taken: false,
              refusal: `${host.spec.name}: the ensemble's lock could not be taken: ${messageOf(err)}`,
              fix: 'reach every host, then run it again',
            }),
          );
          if (outcome.taken) {
            const again = held.get(key);
            if (again) again.count += 1;
            else held.set(key, { count: 1, path });
            mine.add(key);
          } else {
            refusals.push(outcome.refusal);
            fixes.add(outcome.fix);
          }
        }),
      );
    }),
  );
  if (refusals.length === 0) return;
  await Promise.all(fleets.map((fleet) => releaseHostLocks(fleet)));
  throw new ZkdeployError(
    `${command} refused: this ensemble is locked by another run; nothing was touched\n  ${refusals.sort().join('\n  ')}`,
    ExitCode.failed,
    [...fixes].join('; '),
  );
}

/** Gives back the fleet's holds; the last hold of this process on a host removes its lock there. */
export async function releaseHostLocks(fleet: Fleet): Promise<void> {
  const mine = heldBy.get(fleet);
  heldBy.delete(fleet);
  if (!mine || !ownText) return;
  const text = ownText;
  await Promise.all(
    fleet.hosts.map(async (host) => {
      const key = keyOf(host);
      const entry = held.get(key);
      if (!mine.has(key) || !entry) return;
      entry.count -= 1;
      if (entry.count > 0) return;
      held.delete(key);
      // A host that does not answer keeps its lock until a run of this machine finds it stale; the
      // command does not wait on it.
      const release = host.executor?.probe(releaseHostLockScript(entry.path, text)).catch(() => undefined);
      await Promise.race([release, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }),
  );
}
