import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { lab } from './lab.js';
import { cliPath } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI's environment in a test: plain progress (CI is set), no colour, and the per-user memory of
 * installed ensembles kept in the test's directory, never in the real home.
 */
export function cliEnv(cwd: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CI: 'true', NO_COLOR: '1', XDG_STATE_HOME: join(cwd, '.xdg-state'), ...extra };
}

/** Runs the built CLI as a user would (plain progress: CI is set), in `cwd`. */
export function zkdeploy(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: cliEnv(options.cwd, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export { until } from './wait.js';

/** The lock file zkdeploy takes for an inventory (src/run/lock.ts), for tests that watch it. */
export function lockFileOf(inventoryPath: string): string {
  const hash = createHash('sha256').update(realpathSync(inventoryPath)).digest('hex').slice(0, 16);
  return join(homedir(), '.zkdeploy', 'locks', `${hash}.lock`);
}

/** The CLI started in the background (for a signal or a fault mid-run): its output so far, its exit. */
export function zkdeployInBackground(
  args: string[],
  cwd: string,
): { child: ChildProcess; output: () => { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    env: cliEnv(cwd),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** A scratch working directory (for .zkdeploy/ state) that removes itself. */
export function scratchDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'zkdeploy-e2e-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Parses the step summary table into host → step → outcome. A missing table is a failure, never an
 * empty map: "nothing changed" must not pass on output that has no table at all.
 */
export function outcomes(stdout: string): Map<string, Map<string, string>> {
  const lines = stdout.split('\n');
  const headerIndex = lines.findIndex((l) => l.startsWith('host '));
  if (headerIndex === -1) throw new Error(`no step summary table in the output:\n${stdout}`);
  const header = (lines[headerIndex] ?? '').trim().split(/\s+/).slice(1);
  const table = new Map<string, Map<string, string>>();
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '') break;
    const [host, ...cells] = line.trim().split(/\s+/);
    if (host) table.set(host, new Map(header.map((step, i) => [step, cells[i] ?? ''])));
  }
  return table;
}

/** The (host, step) pairs that had a given outcome. */
export function pairsWith(stdout: string, outcome: string): string[] {
  const pairs: string[] = [];
  for (const [host, steps] of outcomes(stdout))
    for (const [step, o] of steps) if (o === outcome) pairs.push(`${host} ${step}`);
  return pairs.sort();
}

/**
 * "Nothing changed" that cannot pass on empty output: the summary table is there, has a row for
 * each of `hosts` and no other, and no step changed on any of them.
 */
export function assertNothingChanged(stdout: string, hosts: readonly string[]): void {
  assert.deepEqual(
    [...outcomes(stdout).keys()].sort(),
    [...hosts].sort(),
    `the summary table's rows:\n${stdout}`,
  );
  assert.deepEqual(pairsWith(stdout, 'changed'), [], stdout);
}

/**
 * The scaffolding of an end-to-end suite, called inside describe(): a scratch working directory
 * and `run` for the CLI in it; the lab is reset before the suite, and after it when asked.
 */
export function labSuite(options: { resetAfter: boolean } = { resetAfter: true }): {
  cwd: string;
  run: (...args: string[]) => Promise<CliResult>;
} {
  const dir = scratchDir();
  const root = process.getuid?.() === 0;
  before(() => {
    if (root) lab('reset');
  });
  after(() => {
    dir.remove();
    if (root && options.resetAfter) lab('reset');
  });
  return { cwd: dir.path, run: (...args: string[]) => zkdeploy(args, { cwd: dir.path }) };
}
