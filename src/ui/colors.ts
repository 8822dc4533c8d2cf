import { Chalk } from 'chalk';
import type { StepOutcome } from '../plan/step.js';

/** chalk, off when NO_COLOR is set or stderr is not a terminal. */
export const color = new Chalk({ level: process.env.NO_COLOR || !process.stderr.isTTY ? 0 : 1 });

/** An outcome word, coloured by what it means. */
export function paintOutcome(outcome: StepOutcome | string): string {
  switch (outcome) {
    case 'changed':
    case 'would-change':
      return color.yellow(outcome);
    case 'unchanged':
      return color.green(outcome);
    case 'failed':
      return color.red(outcome);
    default:
      return color.dim(outcome);
  }
}
