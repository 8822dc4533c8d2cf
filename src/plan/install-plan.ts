import { posix } from 'node:path';
import { InputError } from '../errors.js';
import { firewallFor } from '../firewall/decide.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import { absoluteRemotePath, isWithin } from '../remote/paths.js';
import { shellQuote } from '../remote/quote.js';
import { renderJavaEnv, renderMyid } from '../render/java-env.js';
import { applyProfileBlock, renderProfileBlock } from '../render/profile.js';
import { renderZooCfg } from '../render/zoo-cfg.js';
import type { ReleaseTarball } from '../tarball/inspect.js';
import type { HostFacts, HostPaths } from './probe.js';
import type { Action, PlannedStep } from './step.js';

/**
 * Refuses, before any connection, directories that a new release would replace: the data must never
 * lie inside the release directory. Paths in the same form (both ~/ or both absolute) can be
 * compared here; planInstall checks again with the real home.
 */
export function checkLayout(inventory: Inventory, releaseDir: string): void {
  const { cluster } = inventory;
  const release = `${cluster.installDir}/${releaseDir}`;
  for (const key of ['dataDir', 'dataLogDir', 'serverLogDir'] as const) {
    const dir = cluster[key];
    const sameForm = dir.startsWith('~') === release.startsWith('~');
    if (sameForm && isWithin(posix.normalize(dir), posix.normalize(release))) {
      throw new InputError(
        `${inventory.file}: zookeeper.${key} ${dir} lies inside the release directory ${release}, which a new release replaces`,
        `put zookeeper.${key} outside ${release}, e.g. ${cluster.installDir}/${key === 'dataDir' ? 'data' : 'logs'}`,
      );
    }
  }
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
  // checkLayout refused this before connecting; here it would cost data, so check again.
  for (const dir of [cluster.dataDir, cluster.dataLogDir, cluster.serverLogDir]) {
    if (isWithin(abs(dir), release)) throw new Error(`${dir} lies inside the release directory ${release}`);
  }

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

  steps.push(
    fileStep(
      'profile',
      'ZOOKEEPER_HOME and PATH in ~/.bash_profile',
      abs(paths.files.profile),
      facts.files.profile,
      {
        content: applyProfileBlock(facts.files.profile, renderProfileBlock(release)),
      },
    ),
  );

  const missingDirs = Object.entries(paths.dirs).filter(
    ([key]) => !facts.dirs[key as keyof typeof facts.dirs],
  );
  steps.push(
    step('dirs', 'data, transaction log and server log directories', missingDirs.length > 0, {
      reason: `missing ${missingDirs.map(([, p]) => p).join(', ')}`,
      actions: [
        { kind: 'exec', command: `mkdir -p ${missingDirs.map(([, p]) => shellQuote(abs(p))).join(' ')}` },
      ],
    }),
  );

  // A fresh extraction has no conf/zoo.cfg or conf/java.env: what the probe read is about to go.
  const inRelease = (current: string | undefined) => (extracting ? undefined : current);
  steps.push(
    fileStep('zoo.cfg', 'conf/zoo.cfg', abs(paths.files.zooCfg), inRelease(facts.files.zooCfg), {
      content: renderZooCfg(cluster, inventory.hosts, facts.home),
    }),
  );
  const javaHome = facts.javaOnPath ? undefined : facts.javaHomeFromLogin;
  steps.push(
    fileStep(
      'java.env',
      'conf/java.env (server log dir, heap, Java)',
      abs(paths.files.javaEnv),
      inRelease(facts.files.javaEnv),
      {
        content: renderJavaEnv({ serverLogDir: abs(cluster.serverLogDir), javaHome, heap: cluster.heap }),
      },
    ),
  );
  steps.push(
    fileStep('myid', `data/myid = ${host.myid}`, abs(paths.files.myid), facts.files.myid, {
      content: renderMyid(host.myid),
    }),
  );

  const firewall = firewallFor(facts.firewall, cluster, sudoPassword);
  const firewallStep = step('firewall', 'firewalld', 'command' in firewall || firewall.action === 'fail', {
    reason: firewall.message,
    actions:
      'command' in firewall
        ? [{ kind: 'exec', command: firewall.command, privileged: firewall.privileged }]
        : [],
  });
  if (firewall.action === 'fail') firewallStep.failure = { message: firewall.message, fix: firewall.fix };
  if (firewall.action === 'none' || firewall.action === 'skip') firewallStep.note = firewall.message;
  if (firewall.action === 'skip') firewallStep.skipped = true;
  steps.push(firewallStep);
  return steps;
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
  const top = shellQuote(tarball.topDir);
  const staging = shellQuote(`.zkdeploy-extract-${tarball.topDir}`);
  const old = shellQuote(`.zkdeploy-old-${tarball.topDir}`);
  return [
    'set -e',
    // Nothing extracted may be group- or world-writable, whatever the session's umask.
    'umask 022',
    `mkdir -p ${shellQuote(installDir)}`,
    `cd ${shellQuote(installDir)}`,
    `rm -rf ${staging} ${old}`,
    // A failed or cut extraction leaves nothing behind to fill the disk or be mistaken for a release.
    `trap 'rm -rf ${staging}' EXIT`,
    `mkdir ${staging}`,
    `tar -xzf ${shellQuote(remoteTarball)} -C ${staging}`,
    `printf '%s\\n' ${shellQuote(tarball.sha256)} > ${staging}/${top}/.zkdeploy-release`,
    `if [ -e ${top} ]; then mv ${top} ${old}; fi`,
    `mv ${staging}/${top} ${top}`,
    `rm -rf ${staging} ${old}`,
  ].join('\n');
}
