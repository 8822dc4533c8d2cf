import { posix } from 'node:path';
import { HostError } from '../errors.js';
import type { Action } from '../plan/step.js';
import { type Become, commandLine, sudo } from '../remote/become.js';
import { shellQuote } from '../remote/quote.js';
import { leftoverCommandsScript } from '../remote/shell.js';
import { CommandTimeout, type ExecResult, type SshSession, type TerminalOptions } from '../ssh/session.js';
import { throttledTransfer } from './transfer.js';

/** Where remote commands and their output go with --verbose. */
export type CommandLog = (host: string, line: string) => void;

/**
 * The one seam between plans and hosts. Read-only probes always run; actions that write are carried
 * out, or in a dry run only logged: the decision is made here and nowhere else.
 */
export class HostExecutor {
  constructor(
    readonly session: SshSession,
    private readonly options: {
      dryRun: boolean;
      log: CommandLog | undefined;
      become?: Become | undefined;
      /** How long one remote command may run (--command-timeout). */
      commandTimeoutMs?: number | undefined;
      /** Where a long step says how far it is (an upload's bytes, rate and time left). */
      report?: ((host: string, text: string) => void) | undefined;
    },
  ) {}

  /** How privileged commands run here (sudo to root without a password unless told otherwise). */
  get become(): Become {
    return this.options.become ?? { user: 'root', password: undefined };
  }

  get host(): string {
    return this.session.target.name;
  }

  /** In a dry run, commands that write are only logged; callers skip waiting for their effects. */
  get dryRun(): boolean {
    return this.options.dryRun;
  }

  /** Says how far this host's current step is, or what it waits for, where progress is shown. */
  progress(text: string): void {
    this.options.report?.(this.host, text);
  }

  /** Runs a read-only command and returns its result, whatever its exit code. */
  async probe(
    command: string,
    stdin?: string,
    options: { terminal?: TerminalOptions } = {},
  ): Promise<ExecResult> {
    this.logCommand('probe', command);
    const started = performance.now();
    const result = await this.timed(
      this.session.exec(command, stdin, this.options.commandTimeoutMs, options.terminal),
      'a probe',
    );
    this.logResult(result, started);
    return result;
  }

  /**
   * Runs a command that changes the host; a non-zero exit is a HostError carrying the remote stderr,
   * unless the caller judges the outcome itself (allowFailure).
   */
  async run(
    command: string,
    what: string,
    options: { stdin?: string; allowFailure?: boolean; terminal?: TerminalOptions } = {},
  ): Promise<ExecResult> {
    this.logCommand(this.options.dryRun ? 'would run' : 'run', command);
    if (this.options.dryRun) return { code: 0, stdout: '', stderr: '' };
    this.leftovers ??= this.awaitLeftovers();
    await this.leftovers;
    const started = performance.now();
    const result = await this.timed(
      this.session.exec(command, options.stdin, this.options.commandTimeoutMs, options.terminal, 'change'),
      what,
    );
    this.logResult(result, started);
    if (result.code !== 0 && !options.allowFailure) {
      throw new HostError(this.host, failedMessage(what, result.code, result.stderr || result.stdout));
    }
    return result;
  }

  /** Settled once this host holds no command of another zkdeploy run: before this run's first change. */
  private leftovers: Promise<void> | undefined;

  private async awaitLeftovers(): Promise<void> {
    const limitMs = this.options.commandTimeoutMs ?? 300_000;
    const limitSeconds = limitMs / 1000;
    const result = await this.session.exec(leftoverCommandsScript(limitSeconds), undefined, limitMs + 10_000);
    const still = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('@@leftover '))
      .map((line) => line.slice('@@leftover '.length));
    if (still.length > 0) {
      const pids = still.map((line) => line.split(' ')[0]).join(' ');
      throw new HostError(
        this.host,
        `commands of another zkdeploy run still run here after ${limitSeconds}s (a run killed mid-step leaves its command running, or another run is under way):\n${still.join('\n')}`,
        `wait for them to end; only if the run that started them is gone for certain, end them (kill ${pids}); then run the command again`,
      );
    }
  }

  /** Carries out one planned action. */
  async apply(action: Action): Promise<void> {
    switch (action.kind) {
      case 'exec':
        await this.run(action.command, 'command');
        return;
      case 'asRoot':
        for (const argv of action.commands) {
          if (!action.viaSudo) {
            await this.run(commandLine(argv), commandLine(argv));
            continue;
          }
          const { command, answer } = sudo(this.become, argv);
          await this.run(command, `sudo (as ${this.become.user}) ${commandLine(argv)}`, {
            terminal: { answer },
          });
        }
        if (action.verify) await this.run(action.verify.command, `check that ${action.verify.expect}`);
        return;
      case 'write':
        await this.writeFile(action.path, action.content);
        return;
      case 'upload':
        await this.uploadFile(action.localPath, action.remotePath, action.sha256);
        return;
    }
  }

  /** Writes a whole file through a temporary name and a rename, so no reader ever sees half of it. */
  private async writeFile(path: string, content: string): Promise<void> {
    await this.run(writeCommand(path, 'cat'), `writing ${path}`, { stdin: content });
  }

  /**
   * Carries out several steps' write and exec actions as one remote command, in order, stopping at
   * the first step that fails: one round trip and one process on the host instead of one per step
   * (a step is a few milliseconds of work; a round trip to a far site is tens). Files' contents
   * travel on standard input, one base64 line each, never on a command line. Says how many steps
   * were done and, when one failed, its error.
   */
  async applyTogether(
    steps: { title: string; actions: Action[] }[],
  ): Promise<{ done: number; error?: HostError }> {
    const lines: string[] = [];
    const input: string[] = [];
    for (const step of steps) {
      for (const action of step.actions) {
        if (action.kind === 'write') {
          // bash's read takes a pipe one byte at a time: it never reads past its own line.
          lines.push(`( ${writeCommand(action.path, READ_BASE64_LINE)} )`, STOP_ON_FAILURE);
          input.push(`${Buffer.from(action.content, 'utf8').toString('base64')}\n`);
        } else if (action.kind === 'exec') {
          // Standard input is the files' contents: a command of a step never reads it.
          lines.push(`( ${action.command}\n) </dev/null`, STOP_ON_FAILURE);
        } else throw new Error(`a ${action.kind} action cannot be applied together with others`);
      }
      lines.push('echo @@done');
    }
    const result = await this.run(lines.join('\n'), steps.map((s) => s.title).join(', '), {
      stdin: input.join(''),
      allowFailure: true,
    });
    const done = result.stdout.split('\n').filter((line) => line === '@@done').length;
    if (result.code === 0 || done >= steps.length) return { done };
    const output = result.stderr || result.stdout.replaceAll('@@done\n', '');
    const failed = steps[done]?.title ?? 'a step';
    return { done, error: new HostError(this.host, failedMessage(failed, result.code, output)) };
  }

  /**
   * Streams the tarball under a temporary name, checks its checksum on the host, then renames it:
   * an interrupted or corrupted upload never leaves a file that looks complete.
   */
  private async uploadFile(localPath: string, remotePath: string, sha256: string): Promise<void> {
    const partial = `${remotePath}.zkdeploy-partial`;
    await this.run(
      `umask 022; mkdir -p -- ${shellQuote(posix.dirname(remotePath))}`,
      'creating the upload directory',
    );
    this.logCommand(this.options.dryRun ? 'would upload' : 'upload', `${localPath} -> ${partial}`);
    if (this.options.dryRun) return;
    const started = performance.now();
    const report = this.options.report;
    await this.session.upload(
      localPath,
      partial,
      this.options.commandTimeoutMs,
      report ? throttledTransfer((text) => report(this.host, text), 1000) : undefined,
    );
    this.options.log?.(this.host, `uploaded in ${seconds(started)}`);
    const check = `test "$(sha256sum -- ${shellQuote(partial)} | cut -d' ' -f1)" = ${shellQuote(sha256)} || { rm -f -- ${shellQuote(partial)}; echo 'checksum mismatch after upload' >&2; exit 1; }`;
    await this.run(
      // SFTP creates the file with the server's umask, whatever it is: 644 before it takes its name.
      `${check}; chmod 644 -- ${shellQuote(partial)}; sync -- ${shellQuote(partial)}; mv -f -- ${shellQuote(partial)} ${shellQuote(remotePath)}`,
      `upload of ${remotePath}`,
    );
  }

  /** A command that ran out of time, named for the host's error. */
  private async timed<T>(running: Promise<T>, what: string): Promise<T> {
    try {
      return await running;
    } catch (err: unknown) {
      if (!(err instanceof CommandTimeout)) throw err;
      throw new HostError(
        this.host,
        `${what} ${err.message} (--command-timeout); zkdeploy stopped waiting for it`,
        'look on the host for a hung mount, a blocked file or a stuck process (it may still be there); raise --command-timeout if it is only slow',
      );
    }
  }

  private logCommand(kind: string, command: string): void {
    this.options.log?.(this.host, `${kind}: ${command.replace(/\n/g, '\n    ')}`);
  }

  private logResult(result: ExecResult, started: number): void {
    if (!this.options.log) return;
    const out = `${result.stdout}${result.stderr}`.trim();
    this.options.log(
      this.host,
      `exit ${result.code} in ${seconds(started)}${out ? `\n    ${out.split('\n').join('\n    ')}` : ''}`,
    );
  }
}

/** What failed, its exit code and the last lines of what it said, as a host's error shows them. */
function failedMessage(what: string, code: number, output: string): string {
  const detail = output.trim().split('\n').slice(-5).join('\n    ');
  return `${what} failed (exit ${code})${detail ? `:\n    ${detail}` : ''}`;
}

/** A batch's source for a file: the next line of its standard input, base64-decoded. */
const READ_BASE64_LINE = 'IFS= read -r b64; printf %s "$b64" | base64 -d';

/**
 * After each subshell of a batch, its failure ends the batch. Never `( … ) || exit`: bash ignores
 * `set -e` inside anything whose status a `||` tests, and a step's commands rely on it.
 */
const STOP_ON_FAILURE = 'status=$?; [ "$status" = 0 ] || exit "$status"';

/**
 * The command that writes a whole file from what `source` prints, through a temporary name and a
 * rename, synced before and after the rename: a crash leaves the old file or the new one, never an
 * empty one, and no reader ever sees half of it.
 */
function writeCommand(path: string, source: string): string {
  const tmp = shellQuote(`${path}.zkdeploy-tmp`);
  const dir = shellQuote(posix.dirname(path));
  return `set -e; umask 022; mkdir -p -- ${dir}; ${source} > ${tmp}; sync -- ${tmp}; mv -f -- ${tmp} ${shellQuote(path)}; sync -- ${dir}`;
}

/** Time since `started` (a performance.now() reading), as --verbose shows it: "0.012s". */
export function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(3)}s`;
}
