import { createRequire } from 'node:module';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitCode, messageOf, ZkdeployError } from './errors.js';
import { examplesText } from './help-examples.js';
import { runInterruptCleanups } from './interrupt.js';

/** The version of the installed package, as npm knows it (package.json ships in every pack). */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}

/** The options of every command that connects to hosts. */
function hostCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option(
      '-i, --inventory <file>',
      'inventory YAML (default: $ZKDEPLOY_INVENTORY, else the last one install used here)',
    )
    .option('--hosts <names>', 'only these hosts, comma-separated (e.g. LZY-01,LZY-03)')
    .option('-u, --user <name>', 'SSH user (overrides ssh.user)')
    .option(
      '--identity <file>',
      'SSH private key (default: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa)',
    )
    .option('--ssh-port <port>', 'SSH port (overrides ssh.port)', positiveInt)
    .option('--ssh-config <file>', 'OpenSSH client config to read (default: ~/.ssh/config)')
    .option(
      '--accept-new-host-keys',
      'trust and record host keys not yet in known_hosts (changed keys are always refused)',
    )
    .option('--concurrency <n>', 'hosts worked on at once', positiveInt, 32)
    .option('--connect-timeout <seconds>', 'SSH connection timeout', positiveInt, 10)
    .option(
      '--command-timeout <seconds>',
      'how long one remote command may run before it is killed',
      positiveInt,
      300,
    )
    .option('--ask-pass', 'ask for the SSH password (hidden) and offer it after the keys')
    .option('--become', 'run the steps that need root through sudo, and check first that sudo works')
    .option('--ask-become-pass', 'ask for the sudo password (hidden); implies --become')
    .option('--become-user <user>', 'the user sudo switches to (default: root)')
    .option('-v, --verbose', 'show every remote command and its output');
}

/** The commander program: each action parses options and makes one call into src/commands. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('zkdeploy')
    .description('Deploy an Apache ZooKeeper ensemble to the hosts of an inventory, over SSH, in parallel')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  hostCommand(
    program,
    'install',
    'upload and extract the release, write profile, zoo.cfg, myid, dirs; firewalld (steps 1-8)',
  )
    .option('-t, --tarball <file>', 'ZooKeeper binary release .tar.gz (overrides zookeeper.tarball)')
    .addOption(
      new Option('--firewall <mode>', 'what to do about firewalld').choices([
        'disable',
        'open-ports',
        'skip',
      ]),
    )
    .option('--dry-run', 'show what would change (as plan does) and change nothing')
    .option('--skip-check', 'do not run the preflight checks (zkdeploy check) first')
    .option('--start', 'then start each server as soon as its host is installed, and wait for the quorum')
    .option(
      '--timeout <seconds>',
      'with --start: how long to wait for every server to serve',
      positiveInt,
      60,
    )
    .action(async (options) => {
      const { install } = await import('./commands/install.js');
      setExit(await install(options));
    });

  hostCommand(
    program,
    'plan',
    'what install would change on each host, with diffs; exit 2 when something would',
  )
    .option('-t, --tarball <file>', 'ZooKeeper binary release .tar.gz (overrides zookeeper.tarball)')
    .addOption(
      new Option('--firewall <mode>', 'what to do about firewalld').choices([
        'disable',
        'open-ports',
        'skip',
      ]),
    )
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      const { plan } = await import('./commands/plan.js');
      setExit(await plan(options));
    });

  hostCommand(
    program,
    'start',
    'zkServer.sh start on every host, then wait until the ensemble serves (steps 9-10)',
  )
    .option('--timeout <seconds>', 'how long to wait for every server to serve', positiveInt, 60)
    .option('--dry-run', 'say which servers would be started, start none')
    .action(async (options) => {
      const { start } = await import('./commands/start.js');
      setExit(await start(options));
    });

  hostCommand(program, 'stop', 'zkServer.sh stop on every host at once, confirmed by the client port closing')
    .option('--timeout <seconds>', 'how long to wait for each server to stop', positiveInt, 30)
    .option('--dry-run', 'say which servers would be stopped, stop none')
    .action(async (options) => {
      const { stop } = await import('./commands/stop.js');
      setExit(await stop(options));
    });

  hostCommand(program, 'restart', 'rolling restart: one host at a time, followers first, the leader last')
    .option('--timeout <seconds>', 'how long each host may take to serve again and sync', positiveInt, 60)
    .option('--force', 'restart even when the ensemble is not healthy')
    .option('--parallel', 'restart every host at once (downtime!)')
    .option('--dry-run', 'show the order, restart nothing')
    .action(async (options) => {
      const { restart } = await import('./commands/restart.js');
      setExit(await restart(options));
    });

  hostCommand(
    program,
    'uninstall',
    'stop the servers, remove the release and the profile block; data is kept',
  )
    .option('--purge-data', 'also delete dataDir, dataLogDir and the server logs (asks first)')
    .option('-y, --yes', 'do not ask before --purge-data')
    .option('--timeout <seconds>', 'how long to wait for each server to stop', positiveInt, 30)
    .option('--dry-run', 'show what would be removed, remove nothing')
    .action(async (options) => {
      const { uninstall } = await import('./commands/uninstall.js');
      setExit(await uninstall(options));
    });

  hostCommand(
    program,
    'check',
    'preflight: SSH, Java, disk, ports, name resolution, network, firewalld; exit 2 on a failure',
  )
    .option('-t, --tarball <file>', 'the release to check Java against (optional)')
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      const { check } = await import('./commands/check.js');
      setExit(await check(options));
    });

  hostCommand(program, 'logs', "each host's server log, every line prefixed with the host's name")
    .option('-n, --lines <n>', 'lines from the end of each log', positiveInt, 20)
    .option('-f, --follow', 'keep streaming new lines until Ctrl-C')
    .action(async (options) => {
      const { logs } = await import('./commands/logs.js');
      setExit(await logs(options));
    });

  hostCommand(
    program,
    'verify',
    'prove replication, ephemeral and sequential nodes, watches and a lock through every server',
  )
    .option('--json', 'machine-readable output')
    .option('--direct', 'connect to the client ports straight, not through SSH')
    .action(async (options) => {
      const { verify } = await import('./commands/verify.js');
      setExit(await verify(options));
    });

  hostCommand(
    program,
    'status',
    "every host's mode and the ensemble's health (step 11); exit 2 when unhealthy",
  )
    .option('--json', 'machine-readable output')
    .addOption(
      new Option('--raw', "each host's verbatim zkServer.sh status output, the guide's own check").conflicts(
        'json',
      ),
    )
    .action(async (options) => {
      const { status } = await import('./commands/status.js');
      setExit(await status(options));
    });

  program
    .command('connect-string')
    .description("the ensemble's connection string, or the lines Kafka, HBase or Hadoop HA expect")
    .option(
      '-i, --inventory <file>',
      'inventory YAML (default: $ZKDEPLOY_INVENTORY, else the last one install used here)',
    )
    .addOption(
      new Option('--for <system>', 'configuration lines for one system').choices([
        'kafka',
        'hbase',
        'hadoop',
      ]),
    )
    .action(async (options) => {
      const { connectString } = await import('./commands/connect-string.js');
      setExit(await connectString(options));
    });

  program
    .command('init')
    .description('write a commented starter inventory (asks in a terminal when --hosts is not given)')
    .option('--hosts <names>', 'the ZooKeeper hosts, comma-separated, in myid order')
    .option('-u, --user <name>', 'SSH user (default: yours)')
    .option('-o, --output <file>', 'write here instead of to standard output (never over a file)')
    .option('--force', 'with --output: overwrite an existing file')
    .action(async (options) => {
      const { init } = await import('./commands/init.js');
      setExit(await init(options));
    });

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
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err: unknown) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
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
