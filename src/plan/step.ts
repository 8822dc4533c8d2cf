import type { Argv, Verify } from '../remote/become.js';

/** What applying a step does on its host; the executor is the only thing that carries these out. */
export type Action =
  | { kind: 'upload'; localPath: string; remotePath: string; sha256: string }
  | { kind: 'write'; path: string; content: string }
  | { kind: 'exec'; command: string }
  /**
   * Commands run as root, each one exactly: through sudo (with the --ask-become-pass password, in a
   * terminal for `requiretty`) unless the SSH user is root; then `verify`, unprivileged, judges
   * from what the host reports.
   */
  | { kind: 'asRoot'; commands: Argv[]; viaSudo: boolean; verify?: Verify | undefined };

/** One step for one host, decided from probed facts: whether it changes anything, why, and how. */
export interface PlannedStep {
  id: string;
  title: string;
  change: boolean;
  reason: string;
  actions: Action[];
  /** For managed files: what is there and what would be written (plan diffs). */
  file?: { path: string; before: string | undefined; after: string };
  /** A step that cannot be done on this host, with the fix. */
  failure?: { message: string; fix: string };
  /** Said when nothing changes but there is something to say (firewalld absent). */
  note?: string;
  /** Nothing to do here at all (firewalld absent, or left alone on request). */
  skipped?: boolean;
}

/** How a step ended on a host. */
export type StepOutcome = 'changed' | 'unchanged' | 'failed' | 'skipped';
