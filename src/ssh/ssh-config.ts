import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { InputError } from '../errors.js';
import { inlineIncludes } from './ssh-config-include.js';

/** What an OpenSSH client config says about one host, limited to what zkdeploy honours. */
export interface SshHostConfig {
  hostName: string | undefined;
  user: string | undefined;
  port: number | undefined;
  /** IdentityFile lines, in order, `~` and `%d %u %h %r %%` expanded. */
  identityFiles: string[];
  proxyJump: string | undefined;
  /** UserKnownHostsFile, expanded; empty when not set. */
  userKnownHostsFiles: string[];
  /** StrictHostKeyChecking as written (yes, no, ask, accept-new, off). */
  strictHostKeyChecking: string | undefined;
  /** Settings for this host that zkdeploy does not honour, each with what it does instead. */
  ignored: string[];
}

/** What zkdeploy does where ssh would follow these settings: said at run time, never silently. */
const NOT_HONOURED: Record<string, string> = {
  ProxyCommand: 'no command is run to connect; use ProxyJump (or proxyJump in the inventory)',
  CertificateFile: 'certificates are not offered; only the keys themselves are',
  IdentitiesOnly: "the agent's keys are offered too, before the identity files",
  IdentityAgent: 'the agent at SSH_AUTH_SOCK is used',
};

/** An SSH config file, or none, asked about one host at a time. */
export interface SshConfigSource {
  /** The file read, for messages; undefined when there is none. */
  file: string | undefined;
  lookup(host: string): SshHostConfig;
}

const EMPTY: SshHostConfig = {
  hostName: undefined,
  user: undefined,
  port: undefined,
  identityFiles: [],
  proxyJump: undefined,
  userKnownHostsFiles: [],
  strictHostKeyChecking: undefined,
  ignored: [],
};

/** The default file, as ssh reads it: ~/.ssh/config when it exists. */
export function defaultSshConfigPath(): string {
  return join(homedir(), '.ssh', 'config');
}

/**
 * Reads `--ssh-config FILE` (which must exist), else ~/.ssh/config when there is one. A bad value
 * (a port that is not a number) is an input error naming the file and the host.
 */
export function loadSshConfig(explicit: string | undefined): SshConfigSource {
  if (explicit !== undefined && !existsSync(explicit))
    throw new InputError(`${explicit}: no such SSH config file`, 'check the path given to --ssh-config');
  const file = explicit ?? (existsSync(defaultSshConfigPath()) ? defaultSshConfigPath() : undefined);
  if (file === undefined) return { file: undefined, lookup: () => ({ ...EMPTY }) };
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(inlineIncludes(file));
  } catch (err: unknown) {
    throw new InputError(
      `${file}: cannot read it as an SSH config: ${err instanceof Error ? err.message : String(err)}`,
      'fix the file, or point --ssh-config at another one',
    );
  }
  const cache = new Map<string, SshHostConfig>();
  return {
    file,
    lookup(host: string): SshHostConfig {
      const cached = cache.get(host);
      if (cached) return cached;
      const found = fromComputed(file, host, config.compute(host, { ignoreCase: true }));
      cache.set(host, found);
      return found;
    },
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

/** Keys are matched without regard to case, as ssh does. */
function setting(computed: Record<string, string | string[]>, key: string): string | string[] | undefined {
  const found = Object.keys(computed).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : computed[found];
}

function fromComputed(
  file: string,
  host: string,
  computed: Record<string, string | string[]>,
): SshHostConfig {
  const hostName = first(setting(computed, 'HostName'))?.replace(/%h/g, host);
  const user = first(setting(computed, 'User'));
  const portText = first(setting(computed, 'Port'));
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new InputError(
        `${file}: Port ${JSON.stringify(portText)} for host ${host} is not a port number`,
        `fix the Port line that applies to ${host}`,
      );
  }
  const expand = (path: string) => expandTokens(path, host, hostName ?? host, user);
  return {
    hostName,
    user,
    port,
    identityFiles: all(setting(computed, 'IdentityFile')).map(expand),
    proxyJump: first(setting(computed, 'ProxyJump')),
    userKnownHostsFiles: all(setting(computed, 'UserKnownHostsFile')).map(expand),
    strictHostKeyChecking: first(setting(computed, 'StrictHostKeyChecking'))?.toLowerCase(),
    ignored: Object.entries(NOT_HONOURED)
      .filter(([key]) => setting(computed, key) !== undefined)
      .map(([key, instead]) => `${file} sets ${key} for ${host}, which zkdeploy does not honour: ${instead}`),
  };
}

/** The tokens ssh expands in file paths that matter here: ~, %d, %u, %h, %n, %r, %%. */
function expandTokens(path: string, alias: string, hostName: string, remoteUser: string | undefined): string {
  const home = homedir();
  const withHome = path.startsWith('~/') ? join(home, path.slice(2)) : path;
  return withHome.replace(/%([dunhr%])/g, (_, token: string) => {
    switch (token) {
      case 'd':
        return home;
      case 'u':
        return userInfo().username;
      case 'n':
        return alias;
      case 'h':
        return hostName;
      case 'r':
        return remoteUser ?? userInfo().username;
      default:
        return '%';
    }
  });
}
