import type { StepOutcome } from '../plan/step.js';

/** What the runner tells the display as work proceeds on each host. */
export interface Progress {
  /** A host's work begins (connecting). */
  hostStarted(host: string): void;
  /** A step is under way on a host. */
  stepStarted(host: string, title: string): void;
  /** How far the host's current step is (an upload's bytes, rate and time left; what it waits for). */
  stepProgress(host: string, text: string): void;
  /** A step ended on a host. */
  stepEnded(host: string, record: StepRecord): void;
  /** A host's work ended, with its error if it failed. */
  hostEnded(host: string, error: Error | undefined): void;
  /** A --verbose line (remote command or output). */
  log(host: string, line: string): void;
  /** All hosts are done: the display can let go of the terminal. */
  close(): Promise<void>;
}

/** One step's end on one host, for the display and the closing summary. */
export interface StepRecord {
  id: string;
  title: string;
  outcome: StepOutcome;
  detail: string;
}

/** A progress view that shows nothing: quiet reads, and probes made inside another command. */
export const SILENT_PROGRESS: Progress = {
  hostStarted() {},
  stepStarted() {},
  stepProgress() {},
  stepEnded() {},
  hostEnded() {},
  log() {},
  close: async () => {},
};
