import { type ZodType, z } from 'zod';
import { REMOTE_PATH } from '../remote/safe-values.js';
import { didYouMean } from './did-you-mean.js';

// The inventory file's shape, types, value patterns and known keys, as a zod schema. What only
// ZooKeeper knows (defaults, safe directories, clashes, duplicates) is in validate.ts.

// Nothing that a shell, a zoo.cfg line or a YAML round trip could read as more than one value.
/** A host name as the inventory (and a server.N line zkdeploy wrote) may give it. */
export const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const ADDRESS = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$/;
export const USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** OpenSSH's ProxyJump: `none`, or hops `[user@]host[:port]` separated by commas. */
const PROXY_JUMP =
  /^(none|([A-Za-z_][A-Za-z0-9_.-]*@)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(:\d{1,5})?(,([A-Za-z_][A-Za-z0-9_.-]*@)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(:\d{1,5})?)*)$/;
const LOCAL_PATH = /^[^\n\r\0]+$/;
const HEAP = /^[1-9][0-9]*[kKmMgG]?$/;
/** A Java home: absolute (it is written into conf/java.env and run as $JAVA_HOME/bin/java). */
const JAVA_HOME = /^\/[A-Za-z0-9._+/-]*$/;
export const UNSAFE_HINT = 'letters, digits and . _ - / only (no spaces, quotes, ;, $, `, or newlines)';

/** A problem as every inventory message shows it: what is wrong, then the fix. */
export const problemText = (message: string, fix: string) => `${message}\n    fix: ${fix}`;

/** How a value looks in a message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

// YAML's `key:` with nothing after it is null: the same as leaving the key out.
const absentIfNull = (value: unknown) => (value === null ? undefined : value);

/** A one-word value matching `pattern` (a number is taken as its digits), or nothing. */
export function text(pattern: RegExp, what: string, hint = `use ${UNSAFE_HINT}`) {
  return z.preprocess(
    (value) => (typeof value === 'number' ? String(value) : absentIfNull(value)),
    z
      .string({
        error: (issue) =>
          problemText(`must be ${what}, not ${describe(issue.input)}`, `give it a plain ${what}`),
      })
      .regex(pattern, {
        error: (issue) => problemText(`${JSON.stringify(issue.input)} is not a valid ${what}`, hint),
      })
      .optional(),
  );
}

/** A whole number from min to max, or nothing. */
export function whole(min: number, max: number) {
  const range = (issue: { input?: unknown }) =>
    problemText(`${String(issue.input)} is outside ${min}-${max}`, `use a number from ${min} to ${max}`);
  const notWhole = (issue: { input?: unknown }) =>
    problemText(`must be a whole number, not ${describe(issue.input)}`, `use a number from ${min} to ${max}`);
  return z.preprocess(
    absentIfNull,
    z
      .number({ error: notWhole })
      .int({ error: notWhole })
      .min(min, { error: range })
      .max(max, { error: range })
      .optional(),
  );
}

/** true or false, or nothing. */
function yesNo() {
  return z.preprocess(
    absentIfNull,
    z
      .boolean({
        error: (issue) =>
          problemText(`must be true or false, not ${describe(issue.input)}`, 'write true or false'),
      })
      .optional(),
  );
}

/** A mapping with exactly these keys (an unknown one is named, with a did-you-mean), or nothing. */
function section<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.preprocess(
    absentIfNull,
    z
      .strictObject(shape, {
        error: (issue) =>
          issue.code === 'invalid_type'
            ? problemText(
                `must be a mapping of keys, not ${describe(issue.input)}`,
                'write it as "key: value" lines',
              )
            : undefined,
      })
      .optional(),
  );
}

const remotePath = text(REMOTE_PATH, 'absolute or ~/ path');
const port = whole(1, 65535);

const HOST_SHAPE = {
  name: text(HOSTNAME, 'host name'),
  address: text(ADDRESS, 'host name or IP address'),
  port,
  proxyJump: text(PROXY_JUMP, 'jump host list such as admin@bastion:22,gw2 (or none)'),
  myid: whole(1, 255),
  javaHome: text(JAVA_HOME, 'absolute path'),
  /** A non-voting server (server.N=…:observer, peerType=observer): reads scale, the quorum does not grow. */
  observer: yesNo(),
};

const ZOOKEEPER_SHAPE = {
  tarball: text(LOCAL_PATH, 'file path'),
  installDir: remotePath,
  dataDir: remotePath,
  dataLogDir: remotePath,
  serverLogDir: remotePath,
  clientPort: port,
  quorumPort: port,
  electionPort: port,
  tickTime: whole(1, 600000),
  initLimit: whole(1, 10000),
  syncLimit: whole(1, 10000),
  heap: text(HEAP, 'heap size such as 512m'),
  javaHome: text(JAVA_HOME, 'absolute path'),
  // Keys and values are zoo.cfg's; validate.ts checks them (a record's keys have no did-you-mean).
  settings: z.preprocess(
    absentIfNull,
    z
      .record(z.string(), z.unknown(), {
        error: (issue) =>
          problemText(`must be a mapping, not ${describe(issue.input)}`, 'write "key: value" lines under it'),
      })
      .optional(),
  ),
};

const SSH_SHAPE = {
  user: text(USER, 'user name'),
  port,
  identity: text(LOCAL_PATH, 'file path'),
  proxyJump: HOST_SHAPE.proxyJump,
};

/** The inventory document. */
export const inventorySchema = z.strictObject(
  {
    ssh: section(SSH_SHAPE),
    zookeeper: section(ZOOKEEPER_SHAPE),
    firewall: z.unknown().optional(),
    service: z.unknown().optional(),
    hosts: z.preprocess(
      absentIfNull,
      z
        .array(
          // A bare name is a host with only a name; an empty entry is kept so it can be named.
          z.preprocess(
            (item) => (typeof item === 'string' ? { name: item } : (item ?? {})),
            section(HOST_SHAPE),
          ),
          {
            error: (issue) =>
              problemText(
                issue.input === undefined
                  ? 'missing'
                  : `must be a non-empty list, not ${describe(issue.input)}`,
                'list the servers under "hosts:", one "- name: HOST" each',
              ),
          },
        )
        .optional(),
    ),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? problemText(
            `must be a mapping of keys, not ${describe(issue.input)}`,
            'write the inventory as "key: value" lines',
          )
        : undefined,
  },
);

export type InventoryDocument = z.infer<typeof inventorySchema>;

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(inventorySchema.shape),
  ssh: Object.keys(SSH_SHAPE),
  zookeeper: Object.keys(ZOOKEEPER_SHAPE),
  host: Object.keys(HOST_SHAPE),
};

/** `hosts[1].name` from zod's path. */
export function keyPath(path: PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

/** Every problem zod found, as inventory messages: the key path, what is wrong, the fix. */
export function schemaProblems(document: unknown): { data?: InventoryDocument; problems: string[] } {
  const result = inventorySchema.safeParse(document);
  if (result.success) return { data: result.data, problems: [] };
  const problems = result.error.issues.flatMap((issue) => {
    const at = keyPath(issue.path);
    if (issue.code !== 'unrecognized_keys') return [`${at}: ${issue.message}`];
    const known = KNOWN_KEYS[typeof issue.path.at(-1) === 'number' ? 'host' : at] ?? [];
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known);
      return `${at ? `${at}.` : ''}${key}: ${problemText(
        'unknown key',
        guess ? `did you mean "${guess}"?` : `known keys here: ${known.join(', ')}`,
      )}`;
    });
  });
  return { problems };
}

/** One value checked alone (a flag's), named as the flag. */
export function checkValue(schema: ZodType, value: unknown, name: string, problems: string[]): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
  return undefined;
}

export const flagSchemas = {
  user: SSH_SHAPE.user,
  identity: SSH_SHAPE.identity,
  tarball: ZOOKEEPER_SHAPE.tarball,
  sshPort: port,
};
