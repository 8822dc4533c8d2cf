import { createRequire } from 'node:module';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { InstallOptions } from './commands/common.js';
import { ExitCode, messageOf, ZkdeployError } from './errors.js';
import { examplesText } from './help-examples.js';
import { onInterrupt, runInterruptCleanups } from './interrupt.js';
import { appendUnfinishedHistory } from './run/history.js';

/** The version of the installed package, as npm knows it (package.json ships in every pack). */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('must be a port number, 1 to 65535');
  return n;
}

/** One option as commander takes it: flags, help, and optionally a parser, default, choices or conflict. */
interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  defaultValue?: unknown;
  choices?: string[];
  conflicts?: string;
}

const option = (flags: string, description: string, more: Partial<OptionSpec> = {}): OptionSpec => ({
  flags,
  description,
  ...more,
});
const seconds = (description: string, defaultValue: number) =>
  option('--timeout <seconds>', description, { parse: positiveInt, defaultValue });
const dryRun = (description: string) => option('--dry-run', description);

const INVENTORY = option(
  '-i, --inventory <file>',
  'inventory YAML (default: $ZKDEPLOY_INVENTORY, else the last one install used here)',
);
const TARBALL = option(
  '-t, --tarball <file>',
  'ZooKeeper binary release .tar.gz (overrides zookeeper.tarball)',
);
const FIREWALL = option('--firewall <mode>', 'what to do about firewalld', {
  choices: ['disable', 'open-ports', 'skip'],
});
const JSON_OUTPUT = option('--json', 'machine-readable output');

/** The options of every command that connects to hosts. */
const HOST_OPTIONS: OptionSpec[] = [
  INVENTORY,
  option('--hosts <names>', 'only these hosts, comma-separated (e.g. LZY-01,LZY-03)'),
  option('-u, --user <name>', 'SSH user (overrides ssh.user)'),
  option(
    '--identity <file>',
    'SSH private key (default: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa)',
  ),
  option('--ssh-port <port>', 'SSH port (overrides ssh.port)', { parse: portNumber }),
  option('--ssh-config <file>', 'OpenSSH client config to read (default: ~/.ssh/config)'),
  option(
    '--accept-new-host-keys',
    'trust and record host keys not yet in known_hosts (changed keys are always refused)',
  ),
  option('--concurrency <n>', 'hosts worked on at once', { parse: positiveInt, defaultValue: 32 }),
  option('--connect-timeout <seconds>', 'SSH connection timeout', { parse: positiveInt, defaultValue: 10 }),
  option('--command-timeout <seconds>', 'how long one remote command may run before it is killed', {
    parse: positiveInt,
    defaultValue: 300,
  }),
  option('--ask-pass', 'ask for the SSH password (hidden) and offer it after the keys'),
  option('--become', 'run the steps that need root through sudo, and check first that sudo works'),
  option('--ask-become-pass', 'ask for the sudo password (hidden); implies --become'),
  option('--become-user <user>', 'the user sudo switches to (default: root)'),
  option('-v, --verbose', 'show every remote command and its output'),
];

/** A command: its help, its options, whether it connects to hosts, and its implementation (loaded on use). */
interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  connects: boolean;
  /** One positional argument, handed to the command as the option named after it (<backup> → backup). */
  argument?: { name: string; description: string };
  // biome-ignore lint/suspicious/noExplicitAny: each command takes its own options type; commander parses them.
  load: () => Promise<(options: any) => Promise<number>>;
}

const COMMANDS: CommandSpec[] = [
  {
    name: 'install',
    description: 'upload and extract the release, write profile, zoo.cfg, myid, dirs; firewalld (steps 1-8)',
    connects: true,
    options: [
      TARBALL,
      FIREWALL,
      dryRun('show what would change (as plan does) and change nothing'),
      option('--skip-check', 'do not run the preflight checks (zkdeploy check) first'),
      option('--start', 'then start each server as soon as its host is installed, and wait for the quorum'),
      seconds('with --start: how long to wait for every server to serve', 60),
    ],
    // install --dry-run is plan: the same probe and diff, nothing applied.
    load: async () => {
      const [{ install }, { plan }] = await Promise.all([
        import('./commands/install.js'),
        import('./commands/plan.js'),
      ]);
      return (options: InstallOptions) => (options.dryRun ? plan(options) : install(options));
    },
  },
  {
    name: 'plan',
    description: 'what install would change on each host, with diffs; exit 2 when something would',
    connects: true,
    options: [TARBALL, FIREWALL, JSON_OUTPUT],
    load: async () => (await import('./commands/plan.js')).plan,
  },
  {
    name: 'start',
    description: 'zkServer.sh start on every host, then wait until the ensemble serves (steps 9-10)',
    connects: true,
    options: [
      seconds('how long to wait for every server to serve', 60),
      dryRun('say which servers would be started, start none'),
    ],
    load: async () => (await import('./commands/start.js')).start,
  },
  {
    name: 'stop',
    description: 'zkServer.sh stop on every host at once, confirmed by the client port closing',
    connects: true,
    options: [
      seconds('how long to wait for each server to stop', 30),
      dryRun('say which servers would be stopped, stop none'),
    ],
    load: async () => (await import('./commands/stop.js')).stop,
  },
  {
    name: 'restart',
    description: 'rolling restart: one host at a time, followers first, the leader last',
    connects: true,
    options: [
      seconds('how long each host may take to serve again and sync', 60),
      option('--force', 'restart even when the ensemble is not healthy'),
      option('--parallel', 'restart every host at once (downtime!)'),
      dryRun('show the order, restart nothing'),
    ],
    load: async () => (await import('./commands/restart.js')).restart,
  },
  {
    name: 'upgrade',
    description: "rolling upgrade to the tarball's release: followers first, the leader last, data archived",
    connects: true,
    options: [
      option('-t, --tarball <file>', 'the release to upgrade to (apache-zookeeper-X.Y.Z-bin.tar.gz)'),
      seconds('how long each host may take to stop, serve again and sync', 120),
      dryRun('run the preflight and show the order, change nothing'),
    ],
    load: async () => (await import('./commands/upgrade.js')).upgrade,
  },
  {
    name: 'rollback',
    description:
      'roll back to the release the last upgrade left, the same way (restoring data only if it must)',
    connects: true,
    options: [
      option('-y, --yes', 'do not ask before restoring the archived data'),
      seconds('how long each host may take to stop, serve again and sync', 120),
      dryRun('run the preflight and show the order, change nothing'),
    ],
    load: async () => (await import('./commands/rollback.js')).rollback,
  },
  {
    name: 'scale',
    description: "change the servers to the inventory's, one at a time: in first, then out, leader last",
    connects: true,
    options: [
      option(
        '-t, --tarball <file>',
        'the release new servers get (default: the one the ensemble was installed with)',
      ),
      seconds('how long each server may take to stop, serve again and sync', 60),
      dryRun('show the steps with their quorum arithmetic, change nothing'),
    ],
    load: async () => (await import('./commands/scale.js')).scale,
  },
  {
    name: 'backup',
    description: 'copy the newest snapshot and the transaction logs after it here, while the ensemble serves',
    connects: true,
    options: [
      option('-o, --output <dir>', 'where backups go (default: ./zkdeploy-backups)'),
      option('--keep <n>', "then remove this ensemble's older backups there, keeping the newest n", {
        parse: positiveInt,
      }),
    ],
    load: async () => (await import('./commands/backup.js')).backup,
  },
  {
    name: 'restore',
    description:
      "restore a backup into the inventory's ensemble: checked, staged, every server restarted, proven",
    connects: true,
    argument: { name: '<backup>', description: 'a directory zkdeploy backup wrote' },
    options: [
      option('-y, --yes', 'do not ask before stopping every server'),
      seconds('how long each server may take to stop and to serve again', 120),
      dryRun('check the backup and the hosts, change nothing'),
    ],
    load: async () => (await import('./commands/restore.js')).restore,
  },
  {
    name: 'uninstall',
    description: 'stop the servers, remove the release and the profile block; data is kept',
    connects: true,
    options: [
      option('--purge-data', 'also delete dataDir, dataLogDir and the server logs (asks first)'),
      option('-y, --yes', 'do not ask before --purge-data'),
      seconds('how long to wait for each server to stop', 30),
      dryRun('show what would be removed, remove nothing'),
    ],
    load: async () => (await import('./commands/uninstall.js')).uninstall,
  },
  {
    name: 'check',
    description:
      'preflight: SSH, Java, disk, ports, name resolution, network, firewalld; exit 2 on a failure',
    connects: true,
    options: [option('-t, --tarball <file>', 'the release to check Java against (optional)'), JSON_OUTPUT],
    load: async () => (await import('./commands/check.js')).check,
  },
  {
    name: 'logs',
    description: "each host's server log, every line prefixed with the host's name",
    connects: true,
    options: [
      option('-n, --lines <n>', 'lines from the end of each log', { parse: positiveInt, defaultValue: 20 }),
      option('-f, --follow', 'keep streaming new lines until Ctrl-C'),
    ],
    load: async () => (await import('./commands/logs.js')).logs,
  },
  {
    name: 'verify',
    description: 'prove replication, ephemeral and sequential nodes, watches and a lock through every server',
    connects: true,
    options: [JSON_OUTPUT, option('--direct', 'connect to the client ports straight, not through SSH')],
    load: async () => (await import('./commands/verify.js')).verify,
  },
  {
    name: 'status',
    description: "every host's mode and the ensemble's health (step 11); exit 2 when unhealthy",
    connects: true,
    options: [
      JSON_OUTPUT,
      option('--raw', "each host's verbatim zkServer.sh status output, the guide's own check", {
        conflicts: 'json',
      }),
      option('-w, --watch', 'redraw the table until Ctrl-C, marking what changed'),
      option('--interval <seconds>', 'with --watch: how often', { parse: positiveInt, defaultValue: 2 }),
    ],
    load: async () => (await import('./commands/status.js')).status,
  },
  {
    name: 'dashboard',
    description: 'a live page of the ensemble on 127.0.0.1, behind a token in its URL, until Ctrl-C',
    connects: true,
    options: [
      option('--port <n>', 'the local port (default: a free one)', { parse: portNumber }),
      option('--interval <seconds>', 'how often each server is asked (srvr, mntr)', {
        parse: positiveInt,
        defaultValue: 2,
      }),
    ],
    load: async () => (await import('./commands/dashboard.js')).dashboard,
  },
  {
    name: 'history',
    description: 'the audit log: every command that changed the hosts, when, by whom, and how it ended',
    connects: false,
    options: [
      INVENTORY,
      JSON_OUTPUT,
      option('-n, --lines <n>', 'the last N commands', { parse: positiveInt, defaultValue: 20 }),
    ],
    load: async () => (await import('./commands/history.js')).history,
  },
  {
    name: 'connect-string',
    description: "the ensemble's connection string, or the lines Kafka, HBase or Hadoop HA expect",
    connects: false,
    options: [
      INVENTORY,
      option('--for <system>', 'configuration lines for one system', {
        choices: ['kafka', 'hbase', 'hadoop'],
      }),
    ],
    load: async () => (await import('./commands/connect-string.js')).connectString,
  },
  {
    name: 'init',
    description: 'write a commented starter inventory (asks in a terminal when --hosts is not given)',
    connects: false,
    options: [
      option('--hosts <names>', 'the ZooKeeper hosts, comma-separated, in myid order'),
      option('-u, --user <name>', 'SSH user (default: yours)'),
      option('-o, --output <file>', 'write here instead of to standard output (never over a file)'),
      option('--force', 'with --output: overwrite an existing file'),
    ],
    load: async () => (await import('./commands/init.js')).init,
  },
];

function toOption(spec: OptionSpec): Option {
  const made = new Option(spec.flags, spec.description);
  if (spec.parse) made.argParser(spec.parse);
  if (spec.defaultValue !== undefined) made.default(spec.defaultValue);
  if (spec.choices) made.choices(spec.choices);
  if (spec.conflicts) made.conflicts(spec.conflicts);
  return made;
}

/** The commander program: each action parses options and makes one call into src/commands. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('zkdeploy')
    .description('Deploy an Apache ZooKeeper ensemble to the hosts of an inventory, over SSH, in parallel')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.description);
    // The options every host command shares first, then its own: the order help has always shown.
    for (const o of [...(spec.connects ? HOST_OPTIONS : []), ...spec.options]) command.addOption(toOption(o));
    const argument = spec.argument;
    if (argument) {
      command.addArgument(new Argument(argument.name, argument.description));
      const key = argument.name.replace(/[<>[\]]/g, '');
      command.action(async (value: string, options) =>
        setExit(await (await spec.load())({ ...options, [key]: value })),
      );
    } else command.action(async (options) => setExit(await (await spec.load())(options)));
  }

  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(async (shell: string) => {
      const { bashCompletion, zshCompletion } = await import('./completion.js');
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });

  // Passwords are asked once, before the command runs, and live only in its options (in memory).
  program.hook('preAction', async (_program, action) => {
    const options = action.opts();
    const questions: string[] = [];
    if (options.askPass) questions.push('SSH password: ');
    if (options.askBecomePass)
      questions.push(options.askPass ? 'BECOME password [default: the SSH password]: ' : 'BECOME password: ');
    if (questions.length === 0) return;
    const { askHidden } = await import('./ui/prompt.js');
    const answers = await askHidden(questions, options.askPass ? '--ask-pass' : '--ask-become-pass');
    const sshPassword = options.askPass ? answers.shift() : undefined;
    if (sshPassword !== undefined) action.setOptionValue('sshPassword', sshPassword);
    if (options.askBecomePass) action.setOptionValue('becomePassword', answers.shift() || sshPassword || '');
  });

  program.addHelpText('after', examplesText('zkdeploy'));
  for (const command of program.commands) command.addHelpText('after', examplesText(command.name()));
  return program;
}

/** Runs the CLI and returns its exit code; the only place that prints errors. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  const interrupted = () => {
    process.stderr.write('\nzkdeploy: interrupted\n');
    void runInterruptCleanups().then(() => process.exit(ExitCode.interrupted));
  };
  // A closed pipe (zkdeploy status | head) is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(exitCode);
  });
  // However it comes (a signal, or Ctrl-C typed at a prompt in raw mode), an interruption leaves its record.
  onInterrupt(() => appendUnfinishedHistory(ExitCode.interrupted));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await program.parseAsync(argv);
  } catch (err: unknown) {
    exitCode = reportError(err);
  }
  appendUnfinishedHistory(exitCode);
  return exitCode;
}

/** Prints an error as the CLI shows it and returns its exit code: a bug of ours (not a ZkdeployError) is 70. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version are commander's way of finishing early.
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof ZkdeployError) {
    process.stderr.write(`zkdeploy: ${err.message}\n`);
    if (err.fix) process.stderr.write(`  fix: ${err.fix}\n`);
    return err.exitCode;
  }
  process.stderr.write(`zkdeploy: internal error (a bug in zkdeploy, please report it): ${messageOf(err)}\n`);
  if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return ExitCode.internal;
}
