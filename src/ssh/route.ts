import { userInfo } from 'node:os';
import type { HostSpec, SshGiven } from '../inventory/types.js';
import type { SshConfigSource } from './ssh-config.js';

/** One SSH hop: where to connect, as whom, with which keys, trusting which host keys. */
export interface SshEndpoint {
  /** As messages name it: the inventory's host name, or a jump host as written. */
  name: string;
  address: string;
  port: number;
  user: string;
  /**
   * Identity files to offer after the agent, in order: ssh config's IdentityFile lines (for a jump
   * host, then the given identity). Unused when an identity is required.
   */
  identityFiles: string[];
  /** The identity file given by a flag or the inventory: it alone is offered, and must be usable. */
  requiredIdentity: string | undefined;
  /** ssh config's UserKnownHostsFile; undefined: ~/.ssh/known_hosts. */
  knownHostsFiles: string[] | undefined;
  /** Unknown host keys are accepted and recorded (a changed key never is). */
  acceptNewHostKeys: boolean;
}

/** How to reach a host: through these jump hosts in order, then the host itself. */
export interface SshRoute {
  target: SshEndpoint;
  jumps: SshEndpoint[];
  warnings: string[];
}

/** One hop of a ProxyJump value. */
export interface JumpHop {
  user: string | undefined;
  host: string;
  port: number | undefined;
}

/** `[user@]host[:port],…` as OpenSSH writes ProxyJump; `none` (or nothing) is no jump at all. */
export function parseProxyJump(value: string | undefined): JumpHop[] {
  if (value === undefined || value.trim() === '' || value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((hop) => {
    const at = hop.lastIndexOf('@');
    const user = at >= 0 ? hop.slice(0, at) : undefined;
    const rest = at >= 0 ? hop.slice(at + 1) : hop;
    const colon = rest.lastIndexOf(':');
    const port = colon >= 0 ? Number(rest.slice(colon + 1)) : undefined;
    return { user, host: colon >= 0 ? rest.slice(0, colon) : rest, port };
  });
}

/** Who runs zkdeploy: the SSH user when nothing names one, as with ssh. */
export function localUser(): string {
  return process.env.USER ?? userInfo().username;
}

function hostKeyPolicy(
  name: string,
  strict: string | undefined,
  acceptNewFlag: boolean,
  warnings: string[],
): boolean {
  if (strict === 'no' || strict === 'off') {
    warnings.push(
      `${name}: StrictHostKeyChecking ${strict} is taken as accept-new: an unknown key is recorded, a changed key is still refused`,
    );
    return true;
  }
  return acceptNewFlag || strict === 'accept-new';
}

/**
 * ssh config's UserKnownHostsFile, without /dev/null: a known_hosts that forgets every key would
 * make each one new, and with accept-new that is no verification at all. Undefined: ~/.ssh/known_hosts.
 */
function knownHostsFiles(name: string, files: string[], warnings: string[]): string[] | undefined {
  const kept = files.filter((f) => f !== '/dev/null');
  if (kept.length < files.length)
    warnings.push(
      `${name}: UserKnownHostsFile /dev/null is not honoured: host keys are always verified, against ${kept.length > 0 ? kept.join(', ') : '~/.ssh/known_hosts'}`,
    );
  return kept.length > 0 ? kept : undefined;
}

/**
 * Where and how to connect to a host. Precedence, per setting: flags > inventory (already merged
 * in `given` and the host) > the SSH config for the host's name > OpenSSH's defaults.
 */
export function resolveRoute(
  host: HostSpec,
  given: SshGiven,
  config: SshConfigSource,
  acceptNewFlag: boolean,
): SshRoute {
  const fromConfig = config.lookup(host.name);
  const warnings: string[] = [...fromConfig.ignored];
  const target: SshEndpoint = {
    name: host.name,
    address: host.address ?? fromConfig.hostName ?? host.name,
    port: host.port ?? given.port ?? fromConfig.port ?? 22,
    user: given.user ?? fromConfig.user ?? localUser(),
    identityFiles: fromConfig.identityFiles,
    requiredIdentity: given.identity,
    knownHostsFiles: knownHostsFiles(host.name, fromConfig.userKnownHostsFiles, warnings),
    acceptNewHostKeys: hostKeyPolicy(host.name, fromConfig.strictHostKeyChecking, acceptNewFlag, warnings),
  };
  const jumps = parseProxyJump(host.proxyJump ?? given.proxyJump ?? fromConfig.proxyJump).map(
    (hop): SshEndpoint => {
      const hopConfig = config.lookup(hop.host);
      warnings.push(...hopConfig.ignored);
      return {
        name: hop.host,
        address: hopConfig.hostName ?? hop.host,
        port: hop.port ?? hopConfig.port ?? 22,
        user: hop.user ?? hopConfig.user ?? localUser(),
        identityFiles: [...hopConfig.identityFiles, ...(given.identity ? [given.identity] : [])],
        requiredIdentity: undefined,
        knownHostsFiles: knownHostsFiles(hop.host, hopConfig.userKnownHostsFiles, warnings),
        acceptNewHostKeys: hostKeyPolicy(hop.host, hopConfig.strictHostKeyChecking, acceptNewFlag, warnings),
      };
    },
  );
  return { target, jumps, warnings };
}
