import { posix } from 'node:path';
import { InputError } from '../errors.js';
import { firewallFor } from '../firewall/decide.js';
import { javaHomeOf } from '../inventory/java-home.js';
import { DATA_KEYS, defaultDir, LAYOUT_KEYS } from '../inventory/layout.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import { absoluteRemotePath, isWithin } from '../remote/paths.js';
import { shellQuote } from '../remote/quote.js';
import { unsafeDirectory } from '../remote/safe-values.js';
import {
  installUnit,
  isZkdeployUnit,
  NO_SYSTEMD,
  REMOVE_UNIT,
  UNIT_GONE,
  UNIT_NAME,
  UNIT_PATH,
} from '../remote/service.js';
import { renderJavaEnv, renderMyid } from '../render/java-env.js';
import { applyProfileBlock, renderProfileBlock } from '../render/profile.js';
import { renderUnit } from '../render/unit.js';
import { renderZooCfg } from '../render/zoo-cfg.js';
import type { ReleaseTarball } from '../tarball/inspect.js';
import { type HostFacts, type HostPaths, swapMarkerPath } from './probe.js';
import type { Action, PlannedStep } from './step.js';

/**
 * Refuses, before any connection, directories that a new release would replace: the data must never
 * lie inside the release directory. Paths in the same form (both ~/ or both absolute) can be
 * compared here; planInstall checks again with the real home.
 */
export function checkLayout(inventory: Inventory, releaseDir: string): void {
  const { cluster } = inventory;
  const release = `${cluster.installDir}/${releaseDir}`;
  for (const key of DATA_KEYS) {
    const dir = cluster[key];
    const sameForm = dir.startsWith('~') === release.startsWith('~');
    if (sameForm && isWithin(posix.normalize(dir), posix.normalize(release))) {
      throw new InputError(
        `${inventory.file}: zookeeper.${key} ${dir} lies inside the release directory ${release}, which a new release replaces`,
        `put zookeeper.${key} outside ${release}, e.g. ${defaultDir(key, cluster.installDir)}`,
      );
    }
  }
}

/**
 * The layout again with the host's real home: no directory of ZooKeeper's may be the home, lie above
 * it, or be a system directory (a purge there would take the home, ~/.ssh with it), and no data
 * directory may lie inside the release. Bad input (exit 3), found before anything is changed.
 */
export function checkHostLayout(
  inventory: Inventory,
  host: HostSpec,
  home: string,
  release: string | undefined,
): void {
  for (const key of LAYOUT_KEYS) {
    const dir = inventory.cluster[key];
    const absolute = absoluteRemotePath(dir, home);
    const unsafe = unsafeDirectory(absolute, home);
    if (unsafe) {
      throw new InputError(
        `${inventory.file}: zookeeper.${key} ${dir} is ${absolute} on ${host.name}, which ${unsafe}; nothing was changed`,
        `give zookeeper.${key} a directory of its own below the home, such as ${defaultDir(key)}, or /data/zookeeper`,
      );
    }
    if (release !== undefined && key !== 'installDir' && isWithin(absolute, release)) {
      throw new InputError(
        `${inventory.file}: zookeeper.${key} ${dir} lies inside the release directory ${release} on ${host.name}, which a new release replaces`,
        `put zookeeper.${key} outside ${release}`,
      );
    }
  }
}

/** Some data directory of the inventory lies inside this release directory (which a new release replaces). */
export function dataInsideRelease(inventory: Inventory, home: string, release: string): boolean {
  return DATA_KEYS.some((k) => isWithin(absoluteRemotePath(inventory.cluster[k], home), release));
}

/** The guide's steps 1-8 for one host, in the guide's order. Pure: facts in, steps out. */
export function planInstall(
  inventory: Inventory,
  host: HostSpec,
  tarball: ReleaseTarball,
  paths: HostPaths,
  facts: HostFacts,
  /** A sudo password was given (--ask-become-pass). */
  sudoPassword = false,
): PlannedStep[] {
  const { cluster } = inventory;
  const abs = (path: string) => absoluteRemotePath(path, facts.home);
  const release = abs(paths.release);
  checkHostLayout(inventory, host, facts.home, release);

  const steps: PlannedStep[] = [];
  const remoteTarball = abs(paths.tarball);
  steps.push(
    step('upload', `upload ${tarball.fileName} to ~/setups`, facts.tarballSha256 !== tarball.sha256, {
      reason: facts.tarballSha256 ? 'checksum differs' : 'not there',
      actions: [
        { kind: 'upload', localPath: tarball.path, remotePath: remoteTarball, sha256: tarball.sha256 },
      ],
    }),
  );

  const extracting = facts.releaseStamp !== tarball.sha256;
  steps.push(
    step('extract', `extract ${tarball.topDir} into ${paths.installDir}`, extracting, {
      reason: facts.releaseStamp ? 'extracted from another tarball' : 'not extracted',
      actions: [{ kind: 'exec', command: extractCommand(abs(paths.installDir), tarball, remoteTarball) }],
    }),
  );

  steps.push(profileStep(paths, facts, release));

  const missingDirs = Object.entries(paths.dirs).filter(
    ([key]) => !facts.dirs[key as keyof typeof facts.dirs],
  );
  steps.push(
    step('dirs', 'data, transaction log and server log directories', missingDirs.length > 0, {
      reason: `missing ${missingDirs.map(([, p]) => p).join(', ')}`,
      actions: [
        // umask: RHEL's default 002 would leave them group-writable.
        {
          kind: 'exec',
          command: `umask 022; mkdir -p -- ${missingDirs.map(([, p]) => shellQuote(abs(p))).join(' ')}`,
        },
      ],
    }),
  );

  // A fresh extraction has no conf/zoo.cfg or conf/java.env: what the probe read is about to go.
  steps.push(...confSteps(inventory, host, paths, facts, extracting));
  const myidStep = fileStep('myid', `data/myid = ${host.myid}`, abs(paths.files.myid), facts.files.myid, {
    content: renderMyid(host.myid),
  });
  const foundId = facts.files.myid?.trim();
  // Another id with data beside it, on a host whose zoo.cfg does not make it this server, is another
  // server's data (a recycled host, another ensemble): under a new myid its newer epoch could win
  // the election and bring that data back. Our own server with a hand-edited myid is repaired.
  const listedAsThisServer = (facts.files.zooCfg ?? '')
    .split('\n')
    .some((line) =>
      line.replace(/\s/g, '').toLowerCase().startsWith(`server.${host.myid}=${host.name.toLowerCase()}:`),
    );
  if (foundId !== undefined && foundId !== String(host.myid) && facts.dataFiles > 0 && !listedAsThisServer)
    myidStep.failure = {
      message: `data/myid says ${JSON.stringify(foundId)}, the inventory ${host.myid}, and the data directories hold ${facts.dataFiles} snapshot and log files: another server's data`,
      fix: `move ${cluster.dataDir} and ${cluster.dataLogDir} aside on ${host.name} (or zkdeploy uninstall --purge-data --hosts ${host.name} with the inventory that installed it), then install`,
    };
  steps.push(myidStep);

  const firewall = firewallFor(facts.firewall, cluster, sudoPassword);
  const firewallStep = step('firewall', 'firewalld', 'commands' in firewall || firewall.action === 'fail', {
    reason: firewall.message,
    actions:
      'commands' in firewall
        ? [
            {
              kind: 'asRoot',
              commands: firewall.commands,
              viaSudo: firewall.privileged,
              verify: firewall.verify,
            },
          ]
        : [],
  });
  if (firewall.action === 'fail') firewallStep.failure = { message: firewall.message, fix: firewall.fix };
  if (firewall.action === 'none' || firewall.action === 'skip') firewallStep.note = firewall.message;
  if (firewall.action === 'skip') firewallStep.skipped = true;
  steps.push(firewallStep);
  steps.push(...serviceSteps(inventory, paths, facts, release));
  return steps;
}

/**
 * What makes a host run the release at `paths.release` at its next start: the profile's
 * ZOOKEEPER_HOME, the release's conf/zoo.cfg and conf/java.env, and the unit (service: systemd).
 * Upgrade and rollback switch a host with these once its server has stopped.
 */
export function planSwitch(
  inventory: Inventory,
  paths: HostPaths,
  facts: HostFacts,
  host: HostSpec,
): PlannedStep[] {
  const release = absoluteRemotePath(paths.release, facts.home);
  checkHostLayout(inventory, host, facts.home, release);
  return [
    profileStep(paths, facts, release),
    ...confSteps(inventory, host, paths, facts, false),
    ...serviceSteps(inventory, paths, facts, release),
  ];
}

function profileStep(paths: HostPaths, facts: HostFacts, release: string): PlannedStep {
  return fileStep(
    'profile',
    'ZOOKEEPER_HOME and PATH in ~/.bash_profile',
    absoluteRemotePath(paths.files.profile, facts.home),
    facts.files.profile,
    { content: applyProfileBlock(facts.files.profile, renderProfileBlock(release)) },
  );
}

/** conf/zoo.cfg and conf/java.env of the release; `extracting`: what the probe read there is about to go. */
function confSteps(
  inventory: Inventory,
  host: HostSpec,
  paths: HostPaths,
  facts: HostFacts,
  extracting: boolean,
): PlannedStep[] {
  const { cluster } = inventory;
  const abs = (path: string) => absoluteRemotePath(path, facts.home);
  const inRelease = (current: string | undefined) => (extracting ? undefined : current);
  // The inventory's Java home wins; else java on zkServer.sh's PATH needs none, else a login shell's.
  const javaHome = javaHomeOf(host, cluster) ?? (facts.javaOnPath ? undefined : facts.javaHomeFromLogin);
  return [
    fileStep('zoo.cfg', 'conf/zoo.cfg', abs(paths.files.zooCfg), inRelease(facts.files.zooCfg), {
      content: renderZooCfg(cluster, inventory.hosts, facts.home, host),
    }),
    fileStep(
      'java.env',
      'conf/java.env (server log dir, heap, Java)',
      abs(paths.files.javaEnv),
      inRelease(facts.files.javaEnv),
      {
        content: renderJavaEnv({ serverLogDir: abs(cluster.serverLogDir), javaHome, heap: cluster.heap }),
      },
    ),
  ];
}

function serviceSteps(
  inventory: Inventory,
  paths: HostPaths,
  facts: HostFacts,
  release: string,
): PlannedStep[] {
  if (inventory.cluster.service === 'systemd') return [serviceStep(inventory, paths, facts, release)];
  return isZkdeployUnit(facts.unit.content) ? [unitRemovalStep(facts)] : [];
}

/**
 * service: systemd: the unit written beside the releases, put in place as root, loaded and enabled;
 * judged from what the host then reports (the unit there, enabled), never from exit codes alone.
 */
function serviceStep(inventory: Inventory, paths: HostPaths, facts: HostFacts, release: string): PlannedStep {
  const abs = (path: string) => absoluteRemotePath(path, facts.home);
  const content = renderUnit({
    user: facts.user,
    home: facts.home,
    zookeeperHome: release,
    serverLogDir: abs(inventory.cluster.serverLogDir),
    swapMark: abs(swapMarkerPath(inventory.cluster.installDir)),
  });
  const staged = abs(paths.unitStaged);
  const change = facts.unit.content !== content || facts.unit.enabled !== 'enabled';
  const planned = step('service', `systemd unit ${UNIT_NAME}, enabled`, change, {
    reason:
      facts.unit.content === undefined
        ? 'not installed'
        : facts.unit.content !== content
          ? 'differs'
          : `${facts.unit.enabled || 'not enabled'}`,
    actions: [
      { kind: 'write', path: staged, content },
      {
        kind: 'asRoot',
        commands: installUnit(staged),
        viaSudo: facts.uid !== 0,
        verify: {
          command: `cmp -s -- ${shellQuote(staged)} ${shellQuote(UNIT_PATH)} && systemctl is-enabled --quiet ${UNIT_NAME}`,
          expect: `${UNIT_PATH} is the unit written and ${UNIT_NAME} is enabled`,
        },
      },
    ],
  });
  if (facts.unit.content !== content)
    planned.file = { path: UNIT_PATH, before: facts.unit.content, after: content };
  if (!facts.firewall.systemd) planned.failure = { ...NO_SYSTEMD };
  else if (facts.unit.content !== undefined && !isZkdeployUnit(facts.unit.content))
    planned.failure = {
      message: `${UNIT_PATH} is there and is not zkdeploy's: left alone`,
      fix: `move it aside (it may run another ZooKeeper), or use service: zkServer.sh`,
    };
  return planned;
}

/**
 * Back to service: zkServer.sh: zkdeploy's unit is disabled and removed. A server it runs keeps
 * running (systemd keeps a loaded unit until it stops); the next restart rolls it onto zkServer.sh.
 */
function unitRemovalStep(facts: HostFacts): PlannedStep {
  const planned = step('service', `systemd unit ${UNIT_NAME} removed (service: zkServer.sh)`, true, {
    reason: 'zkdeploy installed it for service: systemd',
    actions: [
      {
        kind: 'asRoot',
        commands: REMOVE_UNIT,
        viaSudo: facts.uid !== 0,
        verify: UNIT_GONE,
      },
    ],
  });
  planned.file = { path: UNIT_PATH, before: facts.unit.content, after: '' };
  return planned;
}

function step(
  id: string,
  title: string,
  change: boolean,
  what: { reason: string; actions: Action[] },
): PlannedStep {
  return {
    id,
    title,
    change,
    reason: change ? what.reason : 'as wanted',
    actions: change ? what.actions : [],
  };
}

function fileStep(
  id: string,
  title: string,
  path: string,
  current: string | undefined,
  want: { content: string },
): PlannedStep {
  const change = current !== want.content;
  const planned = step(id, title, change, {
    reason: current === undefined ? 'missing' : 'content differs',
    actions: [{ kind: 'write', path, content: want.content }],
  });
  planned.file = { path, before: current, after: want.content };
  return planned;
}

/**
 * Extracts into a temporary directory and moves the release into place only once it is complete and
 * stamped, so an interrupted extraction never leaves a release that looks usable. The old release
 * directory (never a data directory: those may not lie inside it) is replaced.
 */
function extractCommand(installDir: string, tarball: ReleaseTarball, remoteTarball: string): string {
  // Names live in shell variables, quoted once here: the trap below never re-reads them as code.
  return [
    'set -e',
    // Nothing extracted may be group- or world-writable, whatever the session's umask.
    'umask 022',
    `top=${shellQuote(tarball.topDir)}`,
    'staging=".zkdeploy-extract-$top"',
    'old=".zkdeploy-old-$top"',
    `mkdir -p -- ${shellQuote(installDir)}`,
    `cd -- ${shellQuote(installDir)}`,
    'rm -rf -- "$staging" "$old"',
    // A failed or cut extraction leaves nothing behind to fill the disk or be mistaken for a release.
    `trap 'rm -rf -- "$staging"' EXIT`,
    'mkdir -- "$staging"',
    `tar -xzf ${shellQuote(remoteTarball)} -C "$staging"`,
    `printf '%s\\n' ${shellQuote(tarball.sha256)} > "$staging/$top/.zkdeploy-release"`,
    'if [ -e "$top" ]; then mv -- "$top" "$old"; fi',
    'mv -- "$staging/$top" "$top"',
    'rm -rf -- "$staging" "$old"',
  ].join('\n');
}
