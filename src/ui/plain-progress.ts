import { messageOf } from '../errors.js';
import { seconds } from '../run/executor.js';
import type { Progress, StepRecord } from '../run/progress.js';
import { progressColor as color, paintOutcome } from './colors.js';

/** Progress as plain lines on stderr, for logs, CI and pipes: one line per step per host. */
export class PlainProgress implements Progress {
  private readonly width: number;
  /** When each host's current step (or connection) began, for --verbose timings. */
  private readonly began = new Map<string, number>();
  private readonly reported = new Map<string, number>();
  private readonly steps = new Map<string, string>();

  constructor(
    hosts: string[],
    private readonly verbose: boolean,
  ) {
    this.width = Math.max(...hosts.map((h) => h.length));
  }

  private line(host: string, text: string): void {
    process.stderr.write(`${color.bold(host.padEnd(this.width))}  ${text}\n`);
  }

  hostStarted(host: string): void {
    this.began.set(host, performance.now());
    if (this.verbose) this.line(host, 'connecting');
  }

  stepStarted(host: string, title: string): void {
    this.began.set(host, performance.now());
    this.steps.set(host, title);
    this.reported.delete(host);
    if (this.verbose) this.line(host, `${title} …`);
  }

  /** In a log, a long step's progress every 5 seconds at most: enough to see it move. */
  stepProgress(host: string, text: string): void {
    const now = performance.now();
    if (now - (this.reported.get(host) ?? this.began.get(host) ?? now) < 5000) return;
    this.reported.set(host, now);
    this.line(host, color.dim(`${this.steps.get(host) ?? ''}: ${text}`));
  }

  stepEnded(host: string, record: StepRecord): void {
    const detail = record.detail ? color.dim(` (${record.detail})`) : '';
    const began = this.began.get(host);
    const took = this.verbose && began !== undefined ? color.dim(` in ${seconds(began)}`) : '';
    this.line(host, `${record.title}: ${paintOutcome(record.outcome, color)}${detail}${took}`);
  }

  hostEnded(host: string, error: Error | undefined): void {
    if (error) this.line(host, color.red(`failed: ${messageOf(error).replace(`${host}: `, '')}`));
  }

  log(host: string, line: string): void {
    if (this.verbose) this.line(host, color.dim(line));
  }

  async close(): Promise<void> {}
}
