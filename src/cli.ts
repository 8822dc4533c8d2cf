import { Command, CommanderError } from 'commander';
import { ExitCode, messageOf, ZkdeployError } from './errors.js';

const VERSION = '0.1.0';

/** The commander program: options are parsed here, each action makes one call into src/commands. */
export function buildProgram(): Command {
  const program = new Command('zkdeploy')
    .description('Deploy an Apache ZooKeeper ensemble to the hosts of an inventory, over SSH, in parallel')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run zkdeploy --help for usage)');
  return program;
}

/** Runs the CLI and returns its exit code; the only place that prints errors. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err: unknown) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version "errors" are commander's way of finishing early.
    if (err.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
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
