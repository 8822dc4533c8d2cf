import { InputError } from '../errors.js';
import { REMOTE_PATH, unsafeDirectory } from '../remote/safe-values.js';
import { didYouMean } from './did-you-mean.js';
import type { ClusterSettings, FirewallMode, HostSpec, Inventory } from './types.js';

/** Values from flags, which win over the file. */
export interface InventoryOverrides {
  tarball?: string | undefined;
  user?: string | undefined;
  identity?: string | undefined;
  sshPort?: number | undefined;
  firewall?: string | undefined;
}

const TOP_KEYS = ['ssh', 'zookeeper', 'firewall', 'hosts'] as const;
const SSH_KEYS = ['user', 'port', 'identity', 'proxyJump'] as const;
const ZK_KEYS = [
  'tarball',
  'installDir',
  'dataDir',
  'dataLogDir',
  'serverLogDir',
  'clientPort',
  'quorumPort',
  'electionPort',
  'tickTime',
  'initLimit',
  'syncLimit',
  'heap',
  'javaHome',
  'settings',
] as const;
const HOST_KEYS = ['name', 'address', 'port', 'proxyJump', 'myid', 'javaHome'] as const;
/** zoo.cfg keys that zkdeploy writes itself: `settings` may not set them behind its back. */
const RESERVED_SETTINGS: Record<string, string> = {
  dataDir: 'zookeeper.dataDir',
  dataLogDir: 'zookeeper.dataLogDir',
  clientPort: 'zookeeper.clientPort',
  tickTime: 'zookeeper.tickTime',
  initLimit: 'zookeeper.initLimit',
  syncLimit: 'zookeeper.syncLimit',
};

// Nothing that a shell, a zoo.cfg line or a YAML round trip could read as more than one value.
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const ADDRESS = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** OpenSSH's ProxyJump: `none`, or hops `[user@]host[:port]` separated by commas. */
const PROXY_JUMP =
  /^(none|([A-Za-z_][A-Za-z0-9_.-]*@)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(:\d{1,5})?(,([A-Za-z_][A-Za-z0-9_.-]*@)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(:\d{1,5})?)*)$/;
const PROXY_JUMP_FORM = 'jump host list such as admin@bastion:22,gw2 (or none)';
const LOCAL_PATH = /^[^\n\r\0]+$/;
const SETTING_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SETTING_VALUE = /^[A-Za-z0-9._/+@%,:*-]*$/;
const HEAP = /^[1-9][0-9]*[kKmMgG]?$/;
/** A Java home: absolute (it is written into conf/java.env and run as $JAVA_HOME/bin/java). */
const JAVA_HOME = /^\/[A-Za-z0-9._+/-]*$/;
const UNSAFE_HINT = 'letters, digits and . _ - / only (no spaces, quotes, ;, $, `, or newlines)';

type Problems = string[];

class Reader {
  constructor(
    readonly problems: Problems,
    readonly file: string,
  ) {}

  problem(path: string, message: string, fix: string): void {
    this.problems.push(`${path}: ${message}\n    fix: ${fix}`);
  }

  mapping(value: unknown, path: string, known: readonly string[]): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(
        path,
        `must be a mapping of keys, not ${describe(value)}`,
        `write ${path} as "key: value" lines`,
      );
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        const guess = didYouMean(key, known);
        this.problem(
          `${path}.${key}`.replace(/^\./, ''),
          'unknown key',
          guess ? `did you mean "${guess}"?` : `known keys here: ${known.join(', ')}`,
        );
      }
    }
    return record;
  }

  string(value: unknown, path: string, pattern: RegExp, what: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string') {
      this.problem(path, `must be ${what}, not ${describe(value)}`, `give ${path} a plain ${what}`);
      return undefined;
    }
    if (!pattern.test(value)) {
      const shown = JSON.stringify(value);
      this.problem(path, `${shown} is not a valid ${what}`, `use ${UNSAFE_HINT}`);
      return undefined;
    }
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.problem(
        path,
        `must be a whole number, not ${describe(value)}`,
        `use a number from ${min} to ${max}`,
      );
      return undefined;
    }
    if (value < min || value > max) {
      this.problem(path, `${value} is outside ${min}-${max}`, `use a number from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function readHosts(r: Reader, value: unknown): HostSpec[] {
  if (!Array.isArray(value) || value.length === 0) {
    r.problem(
      'hosts',
      value === undefined ? 'missing' : `must be a non-empty list, not ${describe(value)}`,
      'list the servers under "hosts:", one "- name: HOST" each',
    );
    return [];
  }
  const hosts: HostSpec[] = [];
  value.forEach((item: unknown, index) => {
    const path = `hosts[${index}]`;
    const record = typeof item === 'string' ? { name: item } : r.mapping(item, path, HOST_KEYS);
    if (!record) {
      if (item === null || item === undefined) r.problem(path, 'is empty', 'give it a "name:"');
      return;
    }
    const name = r.string(record.name, `${path}.name`, HOSTNAME, 'host name');
    // `name:` with nothing after it is null: as missing as no name at all, never a host dropped.
    if (record.name === undefined || record.name === null)
      r.problem(`${path}.name`, 'missing', 'every host needs a name, as used in server.N');
    const address = r.string(record.address, `${path}.address`, ADDRESS, 'host name or IP address');
    const port = r.integer(record.port, `${path}.port`, 1, 65535);
    const proxyJump = r.string(record.proxyJump, `${path}.proxyJump`, PROXY_JUMP, PROXY_JUMP_FORM);
    const myid = r.integer(record.myid, `${path}.myid`, 1, 255);
    const javaHome = r.string(record.javaHome, `${path}.javaHome`, JAVA_HOME, 'absolute path');
    if (name === undefined) return;
    hosts.push({ name, address, port, proxyJump, myid: myid ?? index + 1, javaHome });
  });
  return hosts;
}

function checkDuplicates(r: Reader, hosts: HostSpec[], sshPort: number | undefined): void {
  const seen = (key: (h: HostSpec) => string, what: string, fix: string, skip = (_i: number) => false) => {
    const first = new Map<string, number>();
    hosts.forEach((h, i) => {
      const k = key(h);
      const earlier = first.get(k);
      if (earlier === undefined) first.set(k, i);
      else if (!skip(i))
        r.problem(`hosts[${i}]`, `${what} ${JSON.stringify(k)} is already used by hosts[${earlier}]`, fix);
    });
  };
  const named = new Set<string>();
  const nameRepeated = hosts.map((h) => {
    const key = h.name.toLowerCase();
    const repeated = named.has(key);
    named.add(key);
    return repeated;
  });
  seen((h) => h.name.toLowerCase(), 'name', 'give every host its own name');
  // A host named twice already has its problem; its address, derived from the name, would only repeat it.
  seen(
    (h) => `${(h.address ?? h.name).toLowerCase()}:${h.port ?? sshPort ?? 22}`,
    'SSH address',
    'give every host its own address or port',
    (i) => nameRepeated[i] === true,
  );
  seen(
    (h) => String(h.myid),
    'myid',
    'give every host its own myid (1-255); by default it is the position in the list',
  );
}

/** Checks a parsed inventory document and applies flag overrides; throws one InputError listing every problem. */
export function validateInventory(
  document: unknown,
  file: string,
  overrides: InventoryOverrides = {},
  absolutePath: string = file,
): Inventory {
  const problems: Problems = [];
  const r = new Reader(problems, file);
  if (document === undefined || document === null) {
    throw new InputError(
      `${file}: the inventory is empty`,
      'list the servers under "hosts:" (see inventories/lzy.yaml)',
    );
  }
  const top = r.mapping(document, '', TOP_KEYS) ?? {};
  const ssh = r.mapping(top.ssh, 'ssh', SSH_KEYS) ?? {};
  const zk = r.mapping(top.zookeeper, 'zookeeper', ZK_KEYS) ?? {};

  const user = r.string(
    overrides.user ?? ssh.user,
    overrides.user ? '--user' : 'ssh.user',
    USER,
    'user name',
  );
  const sshPort = overrides.sshPort ?? r.integer(ssh.port, 'ssh.port', 1, 65535);
  const proxyJump = r.string(ssh.proxyJump, 'ssh.proxyJump', PROXY_JUMP, PROXY_JUMP_FORM);
  const identity = r.string(
    overrides.identity ?? ssh.identity,
    overrides.identity ? '--identity' : 'ssh.identity',
    LOCAL_PATH,
    'file path',
  );
  const firewallValue = overrides.firewall ?? top.firewall ?? 'disable';
  let firewall: FirewallMode = 'disable';
  if (firewallValue === 'disable' || firewallValue === 'skip' || firewallValue === 'open-ports')
    firewall = firewallValue;
  else {
    r.problem(
      overrides.firewall ? '--firewall' : 'firewall',
      `${describe(firewallValue)} is not a firewall mode`,
      'use "disable" (the guide\'s step 8) or "skip"',
    );
  }

  const remotePath = (key: string, fallback: string) => {
    const path = r.string(zk[key], `zookeeper.${key}`, REMOTE_PATH, 'absolute or ~/ path');
    const unsafe = path === undefined ? undefined : unsafeDirectory(path);
    if (path !== undefined && unsafe)
      r.problem(
        `zookeeper.${key}`,
        `${path} ${unsafe}: ZooKeeper's files may not go there`,
        `use a directory of its own, such as ${fallback.startsWith('~') ? fallback : `~/zookeeper/${key}`} or /data/zookeeper`,
      );
    return unsafe ? fallback : (path ?? fallback);
  };
  const installDir = remotePath('installDir', '~/zookeeper');
  const port = (key: string, fallback: number) =>
    r.integer(zk[key], `zookeeper.${key}`, 1, 65535) ?? fallback;
  const settings = readSettings(r, zk.settings);
  const tarballPath = overrides.tarball ? '--tarball' : 'zookeeper.tarball';
  const cluster: ClusterSettings = {
    ssh: { user, port: sshPort, identity, proxyJump },
    tarball: r.string(overrides.tarball ?? zk.tarball, tarballPath, LOCAL_PATH, 'file path'),
    installDir,
    dataDir: remotePath('dataDir', `${installDir}/data`),
    dataLogDir: remotePath('dataLogDir', `${installDir}/logs`),
    serverLogDir: remotePath('serverLogDir', `${installDir}/server-logs`),
    clientPort: port('clientPort', 2181),
    quorumPort: port('quorumPort', 2888),
    electionPort: port('electionPort', 3888),
    tickTime: r.integer(zk.tickTime, 'zookeeper.tickTime', 1, 600000) ?? 2000,
    initLimit: r.integer(zk.initLimit, 'zookeeper.initLimit', 1, 10000) ?? 10,
    syncLimit: r.integer(zk.syncLimit, 'zookeeper.syncLimit', 1, 10000) ?? 5,
    heap: r.string(zk.heap, 'zookeeper.heap', HEAP, 'heap size such as 512m'),
    javaHome: r.string(zk.javaHome, 'zookeeper.javaHome', JAVA_HOME, 'absolute path'),
    settings,
    firewall,
  };
  checkPorts(r, cluster);

  const hosts = readHosts(r, top.hosts);
  checkDuplicates(r, hosts, sshPort);
  if (problems.length > 0) {
    const plural = problems.length === 1 ? 'problem' : 'problems';
    throw new InputError(
      `${file}: ${problems.length} ${plural} in the inventory, nothing was touched:\n  ${problems.join('\n  ')}`,
    );
  }
  const warnings: string[] = [];
  if (hosts.length % 2 === 0) {
    warnings.push(
      `${file}: ${hosts.length} servers tolerate no more failures than ${hosts.length - 1}; an odd number is the usual choice`,
    );
  }
  return { file, path: absolutePath, cluster, hosts, warnings };
}

function readSettings(r: Reader, value: unknown): Record<string, string> {
  const settings: Record<string, string> = {};
  if (value === undefined || value === null) return settings;
  if (typeof value !== 'object' || Array.isArray(value)) {
    r.problem(
      'zookeeper.settings',
      `must be a mapping, not ${describe(value)}`,
      'write "key: value" lines under it',
    );
    return settings;
  }
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const path = `zookeeper.settings.${key}`;
    if (!SETTING_KEY.test(key)) {
      r.problem(path, `${JSON.stringify(key)} is not a zoo.cfg key`, `use ${UNSAFE_HINT}`);
      continue;
    }
    const reserved = RESERVED_SETTINGS[key];
    if (reserved || /^server\.\d+$/.test(key)) {
      r.problem(
        path,
        'is written by zkdeploy itself',
        reserved ? `set ${reserved} instead` : 'list the host under "hosts:"',
      );
      continue;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      r.problem(
        path,
        `must be a single value, not ${describe(raw)}`,
        'give it a string, number or true/false',
      );
      continue;
    }
    const text = String(raw);
    if (!SETTING_VALUE.test(text))
      r.problem(path, `${JSON.stringify(text)} is not a safe value`, `use ${UNSAFE_HINT}`);
    else settings[key] = text;
  }
  return settings;
}

function checkPorts(r: Reader, c: ClusterSettings): void {
  const ports = { clientPort: c.clientPort, quorumPort: c.quorumPort, electionPort: c.electionPort };
  const seen = new Map<number, string>();
  for (const [key, value] of Object.entries(ports)) {
    const other = seen.get(value);
    if (other)
      r.problem(
        `zookeeper.${key}`,
        `${value} is also ${other}`,
        'give the client, quorum and election ports different numbers',
      );
    seen.set(value, `zookeeper.${key}`);
  }
}
