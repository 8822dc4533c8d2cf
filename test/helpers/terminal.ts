import { spawn } from 'node:child_process';
import { shellQuote } from '../../src/remote/quote.js';
import { cliEnv } from './cli.js';
import { cliPath } from './paths.js';

/** What a run in a pseudo-terminal printed there (stdout and stderr together) and its exit code. */
export interface TerminalRun {
  code: number | null;
  output: string;
}

/**
 * Runs the built CLI in a pseudo-terminal (script(1)) and answers its prompts as a person would:
 * each answer is typed only once its prompt has appeared, then Enter.
 */
export function zkdeployInTerminal(
  args: string[],
  answers: { prompt: RegExp; answer: string }[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    stdoutTo?: string;
    /** Sees the whole output so far each time more arrives: for a test to act at a moment of the run. */
    onOutput?: (output: string) => void;
    /** A prompt that never comes must fail the test, not hold CI: the run is killed after this. */
    timeoutMs?: number;
  },
): Promise<TerminalRun> {
  // script(1) runs the line with a shell: stdout may go to a file while prompts stay on the terminal.
  const redirect = options.stdoutTo ? ` > ${shellQuote(options.stdoutTo)}` : '';
  // A terminal of a real size: script(1) under a parent without one gives 0 columns, and a live
  // view would wrap every character onto a line of its own.
  const commandLine = `stty cols 160 rows 50 2>/dev/null; ${[process.execPath, cliPath, ...args].map(shellQuote).join(' ')}${redirect}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', commandLine, '/dev/null'], {
      cwd: options.cwd,
      env: cliEnv(options.cwd, options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answered = 0;
    let seen = 0;
    const onData = (d: Buffer) => {
      output += d.toString();
      options.onOutput?.(output);
      const next = answers[answered];
      if (next?.prompt.test(output.slice(seen))) {
        seen = output.length;
        answered++;
        child.stdin.write(`${next.answer}\r`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const guard = setTimeout(() => {
      output += `\n[test: killed after ${(options.timeoutMs ?? 300_000) / 1000} s; answers given: ${answered} of ${answers.length}]`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      child.stdin.destroy();
      resolve({ code, output });
    });
  });
}
