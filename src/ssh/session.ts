import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client, ClientChannel, ExecOptions, SFTPWrapper } from 'ssh2';
import { HostError } from '../errors.js';
import { commandTag, killTaggedSession, viaBash } from '../remote/shell.js';

/** Where and as whom to connect. */
export interface SshTarget {
  /** The host's inventory name, used in every message. */
  name: string;
  address: string;
  port: number;
  user: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command run in a terminal, and the one question it may ask there (sudo's password prompt). */
export interface TerminalOptions {
  answer?: { prompt: string; text: string } | undefined;
}

/** A remote command that did not finish in time; the executor names which one. */
export class CommandTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`did not finish within ${timeoutMs / 1000}s`);
  }
}

/**
 * An open SSH connection to one host, reused for every step on it: the channels' I/O (commands,
 * streams, uploads, forwards). Who may connect, and how, is handshake.ts's policy.
 */
export class SshSession {
  private sftpChannel: Promise<SFTPWrapper> | undefined;
  private closing = false;
  /** Rejects when the connection ends under us: every operation in flight fails with it, none hangs. */
  private readonly lost: Promise<never>;

  /** Takes over a client that is connected and authenticated (see handshake.ts). */
  constructor(
    readonly target: SshTarget,
    private readonly client: Client,
  ) {
    this.lost = new Promise<never>((_, reject) => {
      const fail = (why: string) => {
        if (!this.closing)
          reject(
            new HostError(
              target.name,
              `connection lost: ${why}`,
              'check the host and the network, then run the command again',
            ),
          );
      };
      client.on('close', () => fail('the connection closed'));
      client.on('error', (err: Error) => fail(err.message));
    });
    this.lost.catch(() => undefined);
  }

  /** An operation that fails, instead of waiting forever, when the connection is lost. */
  private guarded<T>(operation: Promise<T>): Promise<T> {
    return Promise.race([operation, this.lost]);
  }

  /**
   * Runs a command (under the remote user's shell, as ssh does), with optional standard input. A
   * command still running after `timeoutMs` is sent SIGKILL (where sshd honours signal requests),
   * its channel closed, and it fails with a CommandTimeout: a hung mount or a stuck process costs
   * one host, never the whole run.
   */
  exec(
    command: string,
    stdin?: string | Buffer,
    timeoutMs?: number,
    terminal?: TerminalOptions,
    kind: 'read' | 'change' = 'read',
  ): Promise<ExecResult> {
    const tag = commandTag(kind);
    // A terminal for sudo under `Defaults requiretty`, with echo off: an answer typed is never echoed
    // back into the output. Its output (stderr included) arrives as stdout.
    const options: ExecOptions = terminal ? { pty: { term: 'dumb', modes: { ECHO: 0 } } } : {};
    const answer = terminal?.answer;
    let asked = 0;
    return this.guarded(
      new Promise((resolve, reject) => {
        this.client.exec(viaBash(command, tag), options, (err, channel: ClientChannel) => {
          if (err) return reject(new HostError(this.target.name, `cannot run a command: ${err.message}`));
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          let code = -1;
          let timedOut = false;
          const timer =
            timeoutMs === undefined
              ? undefined
              : setTimeout(() => {
                  timedOut = true;
                  channel.signal('KILL');
                  // The signal request alone is not enough (OpenSSH before 7.9 ignores it; Debian's
                  // sshd too here): the command's own session is ended, then the timeout reported.
                  this.killTagged(tag).finally(() => {
                    reject(new CommandTimeout(timeoutMs));
                    channel.close();
                  });
                }, timeoutMs);
          channel.on('data', (d: Buffer) => {
            stdout.push(d);
            if (!answer) return;
            // Answered once, when asked; asked again (a wrong answer), ^D: the terminal's end of
            // input makes the asker give up. Typed ahead, input would be flushed by sudo.
            const prompts = Buffer.concat(stdout).toString('utf8').split(answer.prompt).length - 1;
            for (; asked < prompts; asked++) channel.write(asked === 0 ? `${answer.text}\n` : '\x04');
          });
          channel.stderr.on('data', (d: Buffer) => stderr.push(d));
          channel.on('exit', (exitCode: number | null, signal?: string) => {
            code = exitCode ?? (signal ? 128 : -1);
          });
          channel.on('close', () => {
            clearTimeout(timer);
            // A command that ran out of time ends as a CommandTimeout, never as a result.
            if (timedOut) return;
            const text = Buffer.concat(stdout).toString('utf8');
            resolve({
              code,
              stdout: answer ? text.split(answer.prompt).join('') : text,
              stderr: Buffer.concat(stderr).toString('utf8'),
            });
          });
          if (terminal) {
            if (stdin !== undefined) channel.write(stdin);
          } else channel.end(stdin);
        });
      }),
    );
  }

  /**
   * Runs a command whose standard output is bytes to keep (`gzip -c` of a file) and pipes them into
   * `sink` with backpressure, so a large file never sits in memory. Resolves once the sink has all
   * of them, with the command's exit code and its standard error.
   */
  download(command: string, sink: Writable): Promise<{ code: number; stderr: string }> {
    return this.guarded(
      new Promise((resolve, reject) => {
        this.client.exec(viaBash(command, commandTag()), (err, channel: ClientChannel) => {
          if (err) return reject(new HostError(this.target.name, `cannot run a command: ${err.message}`));
          let code = -1;
          const stderr: Buffer[] = [];
          channel.stderr.on('data', (d: Buffer) => stderr.push(d));
          channel.on('exit', (exitCode: number | null, signal?: string) => {
            code = exitCode ?? (signal ? 128 : -1);
          });
          // OpenSSH may send the exit status after the end of output: both are waited for.
          const closed = new Promise<void>((done) => channel.on('close', () => done()));
          Promise.all([pipeline(channel, sink), closed]).then(
            () => resolve({ code, stderr: Buffer.concat(stderr).toString('utf8') }),
            (failure: unknown) => reject(failure),
          );
          channel.end();
        });
      }),
    );
  }

  /** Ends a tagged command's processes on the host, over a channel of its own; bounded in time. */
  private killTagged(tag: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 5000);
      this.client.exec(viaBash(killTaggedSession(tag), commandTag()), (err, channel) => {
        if (err) {
          clearTimeout(timer);
          return resolve();
        }
        channel.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
        channel.resume();
        channel.stderr.resume();
        channel.end();
      });
    });
  }

  /**
   * Runs a long command whose output arrives over time (tail -F): each stdout chunk goes to
   * `onData`; `stop()` ends our side of the channel (the remote command sees end of input).
   */
  stream(
    command: string,
    onData: (chunk: Buffer) => void,
    onStderr: (chunk: Buffer) => void = () => undefined,
  ): Promise<{ stop: () => void; done: Promise<number> }> {
    return this.guarded(
      new Promise((resolve, reject) => {
        this.client.exec(viaBash(command, commandTag()), (err, channel: ClientChannel) => {
          if (err) return reject(new HostError(this.target.name, `cannot run a command: ${err.message}`));
          let code = -1;
          channel.on('data', onData);
          channel.stderr.on('data', onStderr);
          channel.on('exit', (exitCode: number | null) => {
            code = exitCode ?? -1;
          });
          // Like every operation, a stream ends with the connection rather than waiting for it forever.
          const done = this.guarded(new Promise<number>((finish) => channel.on('close', () => finish(code))));
          resolve({ stop: () => channel.end(), done });
        });
      }),
    );
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) =>
        err ? reject(new HostError(this.target.name, `SFTP unavailable: ${err.message}`)) : resolve(sftp),
      );
    });
    return this.sftpChannel;
  }

  /**
   * Streams a local file to a remote path over SFTP (the remote path must be absolute or relative to
   * home). An upload that makes no progress for `stallMs` (a host whose disk hangs while the
   * connection lives on, which keepalives cannot see) is abandoned: its SFTP channel closed, failed.
   */
  async upload(
    localPath: string,
    remotePath: string,
    stallMs?: number,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<void> {
    const sftp = await this.guarded(this.sftp());
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    // However it ends (done, failed, stalled or the connection lost), the stall timer goes with it:
    // left pending, it alone kept a finished run alive until --command-timeout.
    try {
      await this.guarded(
        this.fastPut(sftp, localPath, remotePath, stallMs, onProgress, (next) => {
          clearTimeout(timer);
          timer = next;
          if (settled) clearTimeout(next);
        }),
      );
    } finally {
      settled = true;
      clearTimeout(timer);
    }
  }

  private fastPut(
    sftp: SFTPWrapper,
    localPath: string,
    remotePath: string,
    stallMs: number | undefined,
    onProgress: ((sent: number, total: number) => void) | undefined,
    setTimer: (timer: NodeJS.Timeout) => void,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const watch = () => {
        if (stallMs === undefined) return;
        setTimer(
          setTimeout(() => {
            this.sftpChannel = undefined;
            sftp.end();
            reject(
              new HostError(
                this.target.name,
                `upload to ${remotePath} stalled: no progress for ${stallMs / 1000}s (--command-timeout)`,
                'look at the host (a full or hung disk, a stuck file system); raise --command-timeout if the link is only slow',
              ),
            );
          }, stallMs),
        );
      };
      watch();
      const step = (sent: number, _chunk: number, total: number) => {
        watch();
        onProgress?.(sent, total);
      };
      const options = { concurrency: 16, chunkSize: 64 * 1024, step };
      sftp.fastPut(localPath, remotePath, options, (err) => {
        if (err) reject(new HostError(this.target.name, `upload to ${remotePath} failed: ${err.message}`));
        else resolve();
      });
    });
  }

  /**
   * A TCP stream to a port as seen from the host itself (an SSH direct-tcpip channel). With
   * `timeoutMs`, a host that never answers (its SYNs dropped: the jump's sshd waits minutes for the
   * kernel) fails in that time.
   */
  forward(port: number, host = '127.0.0.1', timeoutMs?: number): Promise<ClientChannel & Readable> {
    return new Promise((resolve, reject) => {
      let late = false;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              late = true;
              reject(new Error(`no answer within ${timeoutMs / 1000}s`));
            }, timeoutMs);
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
        clearTimeout(timer);
        // Opened after we gave up: nobody reads it, so it is closed.
        if (late) return channel?.close();
        if (err) reject(err);
        else resolve(channel);
      });
    });
  }

  close(): void {
    this.closing = true;
    this.client.end();
    // A host gone silent never acknowledges the goodbye, and its socket would hold this process
    // open for minutes: it is dropped after a short grace. ssh2's destroy() does nothing once end()
    // has run (the socket is no longer writable), so the socket itself is destroyed.
    const socket = (this.client as unknown as { _sock?: { destroy(): void } })._sock;
    setTimeout(() => socket?.destroy(), 2000).unref();
  }
}
