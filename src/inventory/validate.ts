import { InputError } from '../errors.js';
import { unsafeDirectory } from '../remote/safe-values.js';
import { defaultDir, type LayoutKey } from './layout.js';
import {
  checkValue,
  describe,
  flagSchemas,
  type InventoryDocument,
  problemText,
  schemaProblems,
  UNSAFE_HINT,
} from './schema.js';
import type { ClusterSettings, FirewallMode, HostSpec, Inventory, ServiceMode } from './types.js';

// ZooKeeper's rules for an inventory whose shape schema.ts has checked: defaults, directories that
// may hold its files, zoo.cfg settings zkdeploy owns, port clashes and duplicate hosts.

/** Values from flags, which win over the file. */
export interface InventoryOverrides {
  tarball?: string | undefined;
  user?: string | undefined;
  identity?: string | undefined;
  sshPort?: number | undefined;
  firewall?: string | undefined;
}

/** zoo.cfg keys that zkdeploy writes itself: `settings` may not set them behind its back. */
const RESERVED_SETTINGS: Record<string, string> = {
  dataDir: 'zookeeper.dataDir',
  dataLogDir: 'zookeeper.dataLogDir',
  clientPort: 'zookeeper.clientPort',
  tickTime: 'zookeeper.tickTime',
  initLimit: 'zookeeper.initLimit',
  syncLimit: 'zookeeper.syncLimit',
};

const SETTING_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SETTING_VALUE = /^[A-Za-z0-9._/+@%,:*-]*$/;

function checkDuplicates(r: Problems, hosts: HostSpec[], sshPort: number | undefined): void {
  const seen = (key: (h: HostSpec) => string, what: string, fix: string, skip = (_i: number) => false) => {
    const first = new Map<string, number>();
    hosts.forEach((h, i) => {
      const k = key(h);
      const earlier = first.get(k);
      if (earlier === undefined) first.set(k, i);
      else if (!skip(i))
        r.add(`hosts[${i}]`, `${what} ${JSON.stringify(k)} is already used by hosts[${earlier}]`, fix);
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
  if (document === undefined || document === null) {
    throw new InputError(
      `${file}: the inventory is empty`,
      'list the servers under "hosts:" (see inventories/lzy.yaml)',
    );
  }
  const { data, problems } = schemaProblems(document);
  const r = new Problems(problems);
  // Flags win over the file, and are checked as the flags they are.
  const flag = <T>(value: unknown, schema: keyof typeof flagSchemas, name: string): T | undefined =>
    value === undefined
      ? undefined
      : (checkValue(flagSchemas[schema], value, name, problems) as T | undefined);
  const user = flag<string>(overrides.user, 'user', '--user');
  const identity = flag<string>(overrides.identity, 'identity', '--identity');
  const tarball = flag<string>(overrides.tarball, 'tarball', '--tarball');
  const sshPortFlag = flag<number>(overrides.sshPort, 'sshPort', '--ssh-port');
  const firewall = firewallMode(
    r,
    overrides.firewall ?? (document as { firewall?: unknown }).firewall,
    overrides,
  );
  const service = serviceMode(r, (document as { service?: unknown }).service);
  if (!data) throw inventoryProblems(file, problems);

  const ssh = data.ssh ?? {};
  const zk = data.zookeeper ?? {};
  const remotePath = (key: LayoutKey, fallback: string) => {
    const path = zk[key];
    const unsafe = path === undefined ? undefined : unsafeDirectory(path);
    if (path !== undefined && unsafe)
      r.add(
        `zookeeper.${key}`,
        `${path} ${unsafe}: ZooKeeper's files may not go there`,
        `use a directory of its own, such as ${defaultDir(key)} or /data/zookeeper`,
      );
    return unsafe ? fallback : (path ?? fallback);
  };
  const installDir = remotePath('installDir', defaultDir('installDir'));
  const sshPort = sshPortFlag ?? ssh.port;
  const cluster: ClusterSettings = {
    ssh: {
      user: user ?? ssh.user,
      port: sshPort,
      identity: identity ?? ssh.identity,
      proxyJump: ssh.proxyJump,
    },
    tarball: tarball ?? zk.tarball,
    installDir,
    dataDir: remotePath('dataDir', defaultDir('dataDir', installDir)),
    dataLogDir: remotePath('dataLogDir', defaultDir('dataLogDir', installDir)),
    serverLogDir: remotePath('serverLogDir', defaultDir('serverLogDir', installDir)),
    clientPort: zk.clientPort ?? 2181,
    quorumPort: zk.quorumPort ?? 2888,
    electionPort: zk.electionPort ?? 3888,
    tickTime: zk.tickTime ?? 2000,
    initLimit: zk.initLimit ?? 10,
    syncLimit: zk.syncLimit ?? 5,
    heap: zk.heap,
    javaHome: zk.javaHome,
    settings: readSettings(r, zk.settings ?? {}),
    firewall,
    service,
  };
  checkPorts(r, cluster);
  const hosts = readHosts(r, data.hosts);
  checkDuplicates(r, hosts, sshPort);
  if (problems.length > 0) throw inventoryProblems(file, problems);
  const warnings: string[] = [];
  if (hosts.length % 2 === 0) {
    warnings.push(
      `${file}: ${hosts.length} servers tolerate no more failures than ${hosts.length - 1}; an odd number is the usual choice`,
    );
  }
  return { file, path: absolutePath, cluster, hosts, warnings };
}

function inventoryProblems(file: string, problems: string[]): InputError {
  const plural = problems.length === 1 ? 'problem' : 'problems';
  return new InputError(
    `${file}: ${problems.length} ${plural} in the inventory, nothing was touched:\n  ${problems.join('\n  ')}`,
  );
}

/** The problems found so far, each as "key: message" and its fix. */
class Problems {
  constructor(readonly list: string[]) {}

  add(path: string, message: string, fix: string): void {
    this.list.push(`${path}: ${problemText(message, fix)}`);
  }
}

function firewallMode(r: Problems, value: unknown, overrides: InventoryOverrides): FirewallMode {
  if (value === undefined || value === null) return 'disable';
  if (value === 'disable' || value === 'skip' || value === 'open-ports') return value;
  r.add(
    overrides.firewall ? '--firewall' : 'firewall',
    `${describe(value)} is not a firewall mode`,
    'use "disable" (the guide\'s step 8), "open-ports" or "skip"',
  );
  return 'disable';
}

function serviceMode(r: Problems, value: unknown): ServiceMode {
  if (value === undefined || value === null) return 'zkServer.sh';
  if (value === 'zkServer.sh' || value === 'systemd') return value;
  r.add(
    'service',
    `${describe(value)} is not a service mode`,
    'use "zkServer.sh" (the guide\'s way, the default) or "systemd" (a unit that restarts the server and starts it at boot)',
  );
  return 'zkServer.sh';
}

/** The hosts in order: every one named (an empty name is a problem, never a host dropped), myid by position. */
function readHosts(r: Problems, list: InventoryDocument['hosts']): HostSpec[] {
  if (list === undefined || list.length === 0) {
    r.add(
      'hosts',
      list === undefined ? 'missing' : 'must be a non-empty list, not an empty one',
      'list the servers under "hosts:", one "- name: HOST" each',
    );
    return [];
  }
  return list.flatMap((host, index) => {
    if (host?.name === undefined) {
      r.add(`hosts[${index}].name`, 'missing', 'every host needs a name, as used in server.N');
      return [];
    }
    return [
      {
        name: host.name,
        address: host.address,
        port: host.port,
        proxyJump: host.proxyJump,
        myid: host.myid ?? index + 1,
        javaHome: host.javaHome,
        ...(host.observer ? { observer: true } : {}),
      },
    ];
  });
}

function readSettings(r: Problems, value: Record<string, unknown>): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    const path = `zookeeper.settings.${key}`;
    if (!SETTING_KEY.test(key)) {
      r.add(path, `${JSON.stringify(key)} is not a zoo.cfg key`, `use ${UNSAFE_HINT}`);
      continue;
    }
    const reserved = RESERVED_SETTINGS[key];
    if (reserved || /^server\.\d+$/.test(key)) {
      r.add(
        path,
        'is written by zkdeploy itself',
        reserved ? `set ${reserved} instead` : 'list the host under "hosts:"',
      );
      continue;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      r.add(path, `must be a single value, not ${describe(raw)}`, 'give it a string, number or true/false');
      continue;
    }
    const text = String(raw);
    if (!SETTING_VALUE.test(text))
      r.add(path, `${JSON.stringify(text)} is not a safe value`, `use ${UNSAFE_HINT}`);
    else settings[key] = text;
  }
  return settings;
}

function checkPorts(r: Problems, c: ClusterSettings): void {
  const ports = { clientPort: c.clientPort, quorumPort: c.quorumPort, electionPort: c.electionPort };
  const seen = new Map<number, string>();
  for (const [key, value] of Object.entries(ports)) {
    const other = seen.get(value);
    if (other)
      r.add(
        `zookeeper.${key}`,
        `${value} is also ${other}`,
        'give the client, quorum and election ports different numbers',
      );
    seen.set(value, `zookeeper.${key}`);
  }
}
