import { existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';
import { InputError, UsageError } from '../errors.js';
import { starterInventory } from '../init/starter.js';
import { validateInventory } from '../inventory/validate.js';
import { localUser } from '../ssh/route.js';

export interface InitOptions {
  hosts?: string;
  user?: string;
  output?: string;
  force?: boolean;
}

/** Asks for what the flags did not give, when there is a terminal to ask in. */
async function ask(options: InitOptions): Promise<{ hosts: string; user: string }> {
  const fallbackUser = localUser();
  if (options.hosts) return { hosts: options.hosts, user: options.user ?? fallbackUser };
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new UsageError(
      'init needs --hosts (there is no terminal to ask in)',
      'zkdeploy init --hosts zk1,zk2,zk3 --user admin',
    );
  // Lines are read through one iterator: typed-ahead answers wait there instead of being lost.
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const lines = prompt[Symbol.asyncIterator]();
  const answer = async (question: string) => {
    process.stderr.write(question);
    const next = await lines.next();
    return next.done ? '' : String(next.value).trim();
  };
  try {
    const hosts = await answer('ZooKeeper hosts, comma-separated (e.g. zk1,zk2,zk3): ');
    const user = options.user ?? ((await answer(`SSH user [${fallbackUser}]: `)) || fallbackUser);
    return { hosts, user };
  } finally {
    prompt.close();
  }
}

/** Writes a commented starter inventory for the given hosts, to stdout or --output (never over a file). */
export async function init(options: InitOptions): Promise<number> {
  const answers = await ask(options);
  const hosts = answers.hosts
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  // The answers go through the same rules as any inventory before they are written into YAML text:
  // a name such as "a: b" is bad input here, not a YAML surprise later.
  const checked = validateInventory(
    { ssh: { user: answers.user }, hosts: hosts.map((name) => ({ name })) },
    '--hosts / --user',
  );
  const text = starterInventory(hosts, answers.user);
  validateInventory(parse(text), '--hosts / --user');
  for (const warning of checked.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (!options.output) {
    process.stdout.write(text);
    return 0;
  }
  if (existsSync(options.output) && !options.force)
    throw new InputError(
      `${options.output}: already exists, not overwritten`,
      'choose another --output, or add --force',
    );
  writeFileSync(options.output, text, { mode: 0o644 });
  process.stderr.write(`wrote ${options.output}: ${hosts.length} hosts, user ${answers.user}\n`);
  return 0;
}
