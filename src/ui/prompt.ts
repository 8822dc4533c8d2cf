import { UsageError } from '../errors.js';
import { runInterruptCleanups } from '../interrupt.js';

/**
 * Reads answers from the terminal with echo off, one line each. Input typed ahead of a prompt is
 * kept for the next one. Answers live only in memory: never echoed, logged or put on a command line.
 */
class HiddenReader {
  private buffer = '';
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor() {
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => this.take(chunk));
    process.stdin.on('end', () => {
      this.ended = true;
      this.deliver();
    });
    process.stdin.resume();
  }

  private take(chunk: string): void {
    for (const char of chunk) {
      if (char === '\u0003') {
        // Ctrl-C: raw mode delivers it as a character, not as SIGINT.
        this.close();
        process.stderr.write('\nzkdeploy: interrupted\n');
        void runInterruptCleanups().then(() => process.exit(130));
        return;
      }
      if (char === '\u0004' && this.buffer === '') this.ended = true;
      else if (char === '\u007f' || char === '\b') this.buffer = this.buffer.slice(0, -1);
      else this.buffer += char === '\r' ? '\n' : char;
    }
    this.deliver();
  }

  private deliver(): void {
    if (!this.waiting) return;
    const newline = this.buffer.indexOf('\n');
    if (newline < 0 && !this.ended) return;
    const line = newline < 0 ? undefined : this.buffer.slice(0, newline);
    this.buffer = newline < 0 ? '' : this.buffer.slice(newline + 1);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve(line);
  }

  read(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  close(): void {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdin.removeAllListeners('data');
    process.stdin.removeAllListeners('end');
  }
}

/**
 * Asks each question on the terminal with echo off (a password prompt) and returns the answers in
 * order. Without a terminal it is a usage error: a password is never read from a pipe or a flag.
 */
export async function askHidden(questions: string[], flag: string): Promise<string[]> {
  if (questions.length === 0) return [];
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UsageError(
      `${flag} needs a terminal to ask in`,
      'run it in a terminal, or use keys (ssh-agent) and passwordless sudo for scripts',
    );
  }
  const reader = new HiddenReader();
  try {
    const answers: string[] = [];
    for (const question of questions) {
      process.stderr.write(question);
      const line = await reader.read();
      process.stderr.write('\n');
      if (line === undefined)
        throw new UsageError(`${flag}: no answer given`, 'type the password and press Enter');
      answers.push(line);
    }
    return answers;
  } finally {
    reader.close();
  }
}
