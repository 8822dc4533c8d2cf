import { messageOf } from '../errors.js';
import { color, paintOutcome } from '../ui/colors.js';
import type { Progress, StepRecord } from './progress.js';

/** Progress as plain lines on stderr, for logs, CI and pipes: one line per step per host. */
export class PlainProgress implements Progress {
  private readonly width: number;

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
    if (this.verbose) this.line(host, 'connecting');
  }

  stepStarted(host: string, title: string): void {
    if (this.verbose) this.line(host, `${title} …`);
  }

  stepEnded(host: string, record: StepRecord): void {
    const detail = record.detail ? color.dim(` (${record.detail})`) : '';
    this.line(host, `${record.title}: ${paintOutcome(record.outcome)}${detail}`);
  }

  hostEnded(host: string, error: Error | undefined): void {
    if (error) this.line(host, color.red(`failed: ${messageOf(error).replace(`${host}: `, '')}`));
  }

  log(host: string, line: string): void {
    if (this.verbose) this.line(host, color.dim(line));
  }

  async close(): Promise<void> {}
}
