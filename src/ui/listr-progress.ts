import { Listr, type ListrTaskWrapper } from 'listr2';
import type { Progress, StepRecord } from '../run/progress.js';
import { paintOutcome, progressColor } from './colors.js';

type Wrapper = ListrTaskWrapper<unknown, never, never>;

interface HostRow {
  title: string;
  /** The step under way, for what it reports to be shown under its name. */
  step: string;
  wrapper: Wrapper | undefined;
  counts: Map<string, number>;
  error: Error | undefined;
  finish: () => void;
  finished: Promise<void>;
}

/** The live view on a terminal: one listr2 row per host, showing its current step, then its tally. */
export class ListrProgress implements Progress {
  private readonly rows = new Map<string, HostRow>();
  private readonly rendering: Promise<unknown>;

  constructor(hosts: string[]) {
    for (const host of hosts) {
      let finish = () => {};
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      this.rows.set(host, {
        title: host,
        step: '',
        wrapper: undefined,
        counts: new Map(),
        error: undefined,
        finish,
        finished,
      });
    }
    const listr = new Listr(
      hosts.map((host) => ({
        title: host,
        task: async (_ctx: unknown, wrapper: Wrapper) => {
          const row = this.row(host);
          row.wrapper = wrapper;
          wrapper.title = row.title;
          await row.finished;
          if (row.error) throw row.error;
        },
      })),
      { concurrent: true, exitOnError: false },
    );
    this.rendering = listr.run().catch(() => undefined);
  }

  private row(host: string): HostRow {
    const row = this.rows.get(host);
    if (!row) throw new Error(`progress for unknown host ${host}`);
    return row;
  }

  private setTitle(host: string, text: string): void {
    const row = this.row(host);
    row.title = `${host}  ${text}`;
    if (row.wrapper) row.wrapper.title = row.title;
  }

  hostStarted(host: string): void {
    this.setTitle(host, 'connecting …');
  }

  stepStarted(host: string, title: string): void {
    this.row(host).step = title;
    this.setTitle(host, `${title} …`);
  }

  stepProgress(host: string, text: string): void {
    this.setTitle(host, `${this.row(host).step}: ${text}`);
  }

  stepEnded(host: string, record: StepRecord): void {
    const counts = this.row(host).counts;
    counts.set(record.outcome, (counts.get(record.outcome) ?? 0) + 1);
    this.setTitle(host, this.tally(host));
  }

  private tally(host: string): string {
    return [...this.row(host).counts]
      .map(([outcome, n]) => `${n} ${paintOutcome(outcome, progressColor)}`)
      .join(', ');
  }

  hostEnded(host: string, error: Error | undefined): void {
    const row = this.row(host);
    row.error = error;
    if (!error) this.setTitle(host, this.tally(host) || 'done');
    row.finish();
  }

  log(host: string, line: string): void {
    const wrapper = this.row(host).wrapper;
    if (wrapper) wrapper.output = line;
  }

  async close(): Promise<void> {
    await this.rendering;
  }
}
