import { Chalk, type ChalkInstance } from 'chalk';
import type { StepOutcome } from '../plan/step.js';

const levelFor = (stream: NodeJS.WriteStream) => (process.env.NO_COLOR || !stream.isTTY ? 0 : 1);

/** chalk for what goes to stdout (tables, summaries): off when NO_COLOR is set or stdout is not a terminal. */
export const color = new Chalk({ level: levelFor(process.stdout) });

/** chalk for progress lines on stderr, decided by stderr alone: `status > file` gets no escape codes. */
export const progressColor = new Chalk({ level: levelFor(process.stderr) });

/** An outcome word, coloured by what it means (for stdout unless told which stream's chalk). */
export function paintOutcome(outcome: StepOutcome | string, paint: ChalkInstance = color): string {
  switch (outcome) {
    case 'changed':
    case 'would-change':
      return paint.yellow(outcome);
    case 'unchanged':
      return paint.green(outcome);
    case 'failed':
      return paint.red(outcome);
    default:
      return paint.dim(outcome);
  }
}
