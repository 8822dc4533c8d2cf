import { createInterface } from 'node:readline/promises';
import { HostError, UsageError } from '../errors.js';
import { DATA_KEYS } from '../inventory/layout.js';
import type { Inventory } from '../inventory/types.js';
import { stopServer } from '../ops/lifecycle.js';
import { checkHostLayout, dataInsideRelease } from '../plan/install-plan.js';
import { unitStagedPath } from '../plan/probe.js';
import { PURGEABLE, purgeCommand } from '../plan/purge.js';
import type { PlannedStep } from '../plan/step.js';
import { absoluteRemotePath, isWithin } from '../remote/paths.js';
import { shellQuote } from '../remote/quote.js';
import { checkedHostPath } from '../remote/safe-values.js';
import { REMOVE_UNIT, UNIT_GONE, UNIT_MARK, UNIT_NAME, UNIT_PATH } from '../remote/service.js';
import { removeProfileBlock } from '../render/profile.js';
import type { HostExecutor } from '../run/executor.js';
import { Fleet } from '../run/fleet.js';
import { stepSummary } from '../ui/summary.js';
import type { UpgradeRecord } from '../upgrade/host-state.js';
import { upgradeLeftovers } from '../upgrade/leftovers.js';
import { probeUpgrade } from '../upgrade/roll.js';
import { finish, type HostOptions, lockedContext } from './common.js';

export interface UninstallOptions extends HostOptions {
  purgeData?: boolean;
  timeout?: number;
  yes?: boolean;
}

/** What uninstall finds on a host: home, the profile, and the release directory its block names. */
interface Found {
  home: string;
  profile: string | undefined;
  release: string | undefined;
  /** zkdeploy's own systemd unit is installed (its mark; another is never touched); `root`: the SSH user is root. */
  unit: boolean;
  root: boolean;
}

async function look(executor: HostExecutor): Promise<Found> {
  const result = await executor.probe(
    `printf "%s\\n" "$HOME"; head -c ${UNIT_MARK.length} ${shellQuote(UNIT_PATH)} 2>/dev/null | grep -qxF ${shellQuote(UNIT_MARK)} && echo unit || echo none; id -u; if [ -f ~/.bash_profile ]; then echo present; base64 -w0 < ~/.bash_profile; echo; fi`,
  );
  const [home = '', unit, uid, marker, encoded = ''] = result.stdout.split('\n');
  const profile = marker === 'present' ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
  const release = /^# BEGIN zkdeploy[\s\S]*?^ZOOKEEPER_HOME=(.+)$/m.exec(profile ?? '')?.[1]?.trim();
  const fixProfile = 'fix the zkdeploy block in ~/.bash_profile, or remove the release by hand';
  return {
    home: checkedHostPath(executor.host, home, '$HOME', 'deploy as a user whose home is a plain path'),
    profile,
    unit: unit === 'unit',
    root: uid === '0',
    release:
      release === undefined
        ? undefined
        : checkedHostPath(executor.host, release, 'ZOOKEEPER_HOME in ~/.bash_profile', fixProfile),
  };
}

/**
 * The release directory is read from the host, so it is checked before anything is removed: inside
 * the install dir, not the install dir itself, and holding none of the data directories.
 */
function checkedRelease(inventory: Inventory, host: string, found: Found): string | undefined {
  if (!found.release) return undefined;
  const installDir = absoluteRemotePath(inventory.cluster.installDir, found.home);
  const release = absoluteRemotePath(found.release, found.home);
  if (
    !isWithin(release, installDir) ||
    release === installDir ||
    dataInsideRelease(inventory, found.home, release)
  ) {
    throw new HostError(
      host,
      `refusing to remove ${release}: ZOOKEEPER_HOME in ~/.bash_profile is not a release directory inside ${installDir}`,
      'fix the zkdeploy block in ~/.bash_profile, or remove the release by hand',
    );
  }
  return release;
}

/** Uninstall as planned steps: release directory, profile block last (so a re-run finishes the job), data on request. */
function planUninstall(
  inventory: Inventory,
  found: Found,
  release: string | undefined,
  purge: boolean,
): PlannedStep[] {
  const steps: PlannedStep[] = [];
  if (found.unit) {
    // The server is stopped by now: the unit goes first, so nothing starts a removed release.
    steps.push({
      id: 'service',
      title: `systemd unit ${UNIT_NAME}`,
      change: true,
      reason: 'disable and remove it',
      actions: [
        {
          kind: 'asRoot',
          commands: REMOVE_UNIT,
          viaSudo: !found.root,
          verify: UNIT_GONE,
        },
        {
          kind: 'exec',
          command: `rm -f -- ${shellQuote(absoluteRemotePath(unitStagedPath(inventory.cluster), found.home))}`,
        },
      ],
    });
  }
  const step = (
    id: string,
    title: string,
    change: boolean,
    command: string,
    reason: string,
  ): PlannedStep => ({
    id,
    title,
    change,
    reason: change ? reason : 'already gone',
    actions: change ? [{ kind: 'exec', command }] : [],
  });
  // Only a directory zkdeploy extracted (it carries the stamp) is ever removed.
  const stamped = `${release ?? ''}/.zkdeploy-release`;
  steps.push(
    step(
      'release',
      'release directory (with conf/zoo.cfg, java.env)',
      release !== undefined,
      `if [ -d ${shellQuote(release ?? '')} ] && [ ! -f ${shellQuote(stamped)} ]; then echo 'not a release zkdeploy extracted (no .zkdeploy-release): left alone' >&2; exit 1; fi; rm -rf -- ${shellQuote(release ?? '')}`,
      `remove ${release}`,
    ),
  );
  const without = found.profile === undefined ? undefined : removeProfileBlock(found.profile);
  const profileStep = step(
    'profile',
    'profile block',
    without !== found.profile,
    '',
    'remove the zkdeploy block',
  );
  if (profileStep.change && without !== undefined) {
    const path = `${found.home}/.bash_profile`;
    profileStep.actions = [{ kind: 'write', path, content: without }];
    profileStep.file = { path, before: found.profile, after: without };
  }
  steps.push(profileStep);
  if (purge) {
    const purges = DATA_KEYS.map((k) =>
      purgeCommand(absoluteRemotePath(inventory.cluster[k], found.home), PURGEABLE[k]),
    );
    const purgeStep = step(
      'data',
      "ZooKeeper's files in the data, transaction log and server log directories",
      true,
      '',
      'purged on request',
    );
    purgeStep.actions = purges.map((command) => ({ kind: 'exec', command }));
    steps.push(purgeStep);
  }
  return steps;
}

async function confirmPurge(inventory: Inventory, options: UninstallOptions): Promise<void> {
  if (!options.purgeData || options.yes || options.dryRun) return;
  if (!process.stdin.isTTY) {
    throw new UsageError(
      '--purge-data deletes every ZooKeeper data directory and there is no terminal to confirm on',
      'add --yes if that is what you want',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(
    `This deletes the data of ${inventory.hosts.length} ZooKeeper servers (${inventory.cluster.dataDir}, ${inventory.cluster.dataLogDir}). Type "purge" to go on: `,
  );
  rl.close();
  if (answer.trim() !== 'purge') throw new UsageError('purge not confirmed: nothing was changed');
}

/**
 * Stops the servers and removes what install put there, keeping dataDir, dataLogDir and the server
 * logs unless --purge-data is confirmed.
 */
export async function uninstall(options: UninstallOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = lockedContext('uninstall', options);
  await confirmPurge(inventory, options);
  const fleet = await Fleet.open(inventory, settings, hosts);
  try {
    const seen = new Map<
      string,
      { found: Found; release: string | undefined; record: UpgradeRecord | undefined }
    >();
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      const found = await look(executor);
      const release = checkedRelease(inventory, host.spec.name, found);
      checkHostLayout(inventory, host.spec, found.home, release);
      const { record } = await probeUpgrade(executor, inventory.cluster);
      seen.set(host.spec.name, { found, release, record });
    });
    fleet.refuseBadInput();
    await fleet.eachHostMarkingFailures(async (host, executor) => {
      const { found, release, record } = seen.get(host.spec.name) ?? {};
      if (!found) return;
      await fleet.runStep(host, 'stop', 'stop the server', async () => {
        if (!release) return { outcome: 'unchanged', detail: 'no release installed' };
        const stopped = await stopServer(executor, inventory.cluster, release, options.timeout ?? 30);
        return stopped
          ? { outcome: 'changed', detail: executor.dryRun ? 'would stop' : 'stopped' }
          : { outcome: 'unchanged', detail: 'not running' };
      });
      const purge = options.purgeData ?? false;
      await fleet.applySteps(host, executor, [
        ...planUninstall(inventory, found, release, purge),
        ...upgradeLeftovers(inventory.cluster, found.home, record, release, purge),
      ]);
    });
  } finally {
    await fleet.close();
  }
  process.stdout.write(stepSummary('uninstall', fleet));
  if (!options.purgeData)
    process.stdout.write(
      `kept: ${inventory.cluster.dataDir}, ${inventory.cluster.dataLogDir}, ${inventory.cluster.serverLogDir} (--purge-data removes them)\n`,
    );
  return finish('uninstall', fleet);
}
