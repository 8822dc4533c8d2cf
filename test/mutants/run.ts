// Runs every mutant of mutants.ts against a copy of this checkout: first each named test on the
// unbroken copy (it must pass, or its failure under a mutant means nothing), then each mutant alone
// (built, run; its test must fail, printing the expected line). Writes test/mutants/RESULTS.md and
// exits 1 when a test stayed green under its mutant or a mutant no longer applies.
// Usage: sudo npm run mutants [-- ID…]    (needs the lab for the end-to-end mutants)
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labScript, repoRoot } from '../helpers/paths.js';
import { MUTANTS, type Mutant } from './mutants.js';

interface Outcome {
  mutant: Mutant;
  verdict: 'killed' | 'SURVIVED' | 'STALE' | 'BASELINE RED';
  seconds: number;
  evidence: string;
}

const COPIED = ['bin', 'src', 'test', 'templates', 'inventories', 'bench', 'package.json', 'tsconfig.json'];

function copyCheckout(): string {
  const copy = mkdtempSync(join(tmpdir(), 'zkdeploy-mutants-'));
  for (const entry of COPIED) cpSync(join(repoRoot, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

function build(copy: string): string | undefined {
  rmSync(join(copy, 'dist'), { recursive: true, force: true });
  const tsc = spawnSync(join(copy, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
    cwd: copy,
    encoding: 'utf8',
  });
  return tsc.status === 0 ? undefined : tsc.stdout + tsc.stderr;
}

/** A PATH on which `command` is not found: a directory of links to everything else beside it. */
function pathWithout(command: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkdeploy-path-'));
  for (const bin of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'])
    for (const name of readdirSync(bin))
      if (name !== command)
        try {
          symlinkSync(join(bin, name), join(dir, name));
        } catch {
          // Seen already in an earlier directory of the PATH.
        }
  return dir;
}

/** Runs a mutant's test; `broken`: in the mutant's environment too (env, a hidden command). */
function runTest(copy: string, mutant: Mutant, broken: boolean): { ok: boolean; output: string } {
  const env: NodeJS.ProcessEnv = broken ? { ...process.env, ...mutant.env } : { ...process.env };
  const hidden = broken && mutant.hideCommand ? pathWithout(mutant.hideCommand) : undefined;
  if (hidden) env.PATH = hidden;
  const args = ['--test', '--test-concurrency=1', '--test-reporter=spec'];
  for (const name of mutant.only ?? []) args.push(`--test-name-pattern=${name}`);
  // timeout(1) ends the test's whole process group, zkdeploy runs it started included.
  const limit = ['timeout', '-k', '10', '900'];
  const child = mutant.command
    ? spawnSync(limit[0] as string, [...limit.slice(1), 'bash', '-c', mutant.command], {
        cwd: copy,
        env,
        encoding: 'utf8',
      })
    : spawnSync(limit[0] as string, [...limit.slice(1), process.execPath, ...args, mutant.test], {
        cwd: copy,
        env,
        encoding: 'utf8',
      });
  if (hidden) rmSync(hidden, { recursive: true, force: true });
  if (mutant.lab) execFileSync('bash', [labScript, 'reset'], { stdio: 'ignore' });
  return { ok: child.status === 0, output: `${child.stdout ?? ''}${child.stderr ?? ''}` };
}

function tryMutant(copy: string, mutant: Mutant): Outcome {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const originals = new Map<string, string>();
  try {
    for (const edit of mutant.edits ?? []) {
      const file = join(copy, edit.file);
      const text = readFileSync(file, 'utf8');
      if (!originals.has(file)) originals.set(file, text);
      const count = text.split(edit.from).length - 1;
      if (count !== 1)
        return {
          mutant,
          verdict: 'STALE',
          seconds: 0,
          evidence: `its text occurs ${count} times in ${edit.file}`,
        };
      writeFileSync(
        file,
        text.replace(edit.from, () => edit.to),
      );
    }
    const buildError = build(copy);
    if (buildError)
      return { mutant, verdict: 'STALE', seconds: seconds(), evidence: `does not build: ${buildError}` };
    if (mutant.afterBuild) execFileSync('bash', ['-c', mutant.afterBuild], { cwd: copy });
    const { ok, output } = runTest(copy, mutant, true);
    // The whole run, for reading when a mutant survives (RESULTS.md keeps only its end).
    writeFileSync(join(tmpdir(), `zkdeploy-mutant-${mutant.id}.log`), output);
    const line = output
      .split('\n')
      .find((l) => l.includes(mutant.expect))
      ?.trim();
    if (ok || !line || (mutant.because && !output.includes(mutant.because)))
      return {
        mutant,
        verdict: 'SURVIVED',
        seconds: seconds(),
        evidence: ok
          ? 'the test passed'
          : `failed, but not printing "${mutant.expect}"${mutant.because ? ` with "${mutant.because}"` : ''}:\n${output.slice(-2000)}`,
      };
    const evidence = line.replace(/\s*\([\d.]+ms\)$/, '');
    return {
      mutant,
      verdict: 'killed',
      seconds: seconds(),
      evidence: mutant.because ? `${evidence} (${mutant.because})` : evidence,
    };
  } finally {
    for (const [file, text] of originals) writeFileSync(file, text);
  }
}

function main(): number {
  const chosen = process.argv.slice(2);
  const mutants = chosen.length ? MUTANTS.filter((m) => chosen.includes(m.id)) : MUTANTS;
  if (mutants.length === 0) {
    console.error(`no mutant named ${chosen.join(', ')}; known: ${MUTANTS.map((m) => m.id).join(', ')}`);
    return 64;
  }
  // What is tested is the checkout as copied now: its commit, and whether it had changes on top.
  const tested = checkoutState();
  const copy = copyCheckout();
  const outcomes: Outcome[] = [];
  try {
    const buildError = build(copy);
    if (buildError) throw new Error(`the unbroken copy does not build:\n${buildError}`);
    // The baseline: each test green on the unbroken copy, so that red under a mutant is the mutant's doing.
    const baseline = new Map<string, boolean>();
    for (const mutant of mutants) {
      if (mutant.command) continue; // Its baseline is the whole test command, which CI runs.
      const key = `${mutant.test} ${(mutant.only ?? []).join('|')}`;
      if (!baseline.has(key)) {
        const { ok, output } = runTest(copy, mutant, false);
        baseline.set(key, ok);
        if (!ok) process.stderr.write(`baseline red: ${key}\n${output.slice(-3000)}\n`);
        process.stderr.write(`baseline ${ok ? 'green' : 'RED'}: ${key}\n`);
      }
      if (!baseline.get(key)) {
        outcomes.push({
          mutant,
          verdict: 'BASELINE RED',
          seconds: 0,
          evidence: 'the test fails without the mutant',
        });
      }
    }
    for (const mutant of mutants) {
      if (outcomes.some((o) => o.mutant === mutant)) continue;
      const outcome = tryMutant(copy, mutant);
      outcomes.push(outcome);
      process.stderr.write(
        `${outcome.verdict}: ${mutant.id} (${outcome.seconds} s) ${outcome.evidence.split('\n')[0]}\n`,
      );
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  writeResults(
    outcomes.sort((a, b) => mutants.indexOf(a.mutant) - mutants.indexOf(b.mutant)),
    tested,
  );
  return outcomes.every((o) => o.verdict === 'killed') ? 0 : 1;
}

function checkoutState(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: git('status', '--porcelain', '--', ...COPIED, ':!test/mutants/RESULTS.md') !== '',
  };
}

const RESULTS = join(repoRoot, 'test', 'mutants', 'RESULTS.md');

/**
 * Writes this run's rows into RESULTS.md, keeping the rows of mutants it did not run (each row says
 * when and at which commit it ran), in the order of mutants.ts; rows of removed mutants go.
 */
function writeResults(outcomes: Outcome[], { commit, dirty }: { commit: string; dirty: boolean }): void {
  const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const when = `${commit}${dirty ? '+changes' : ''}, ${new Date().toISOString().slice(0, 10)}`;
  const rows = new Map<string, string>();
  if (existsSync(RESULTS))
    for (const line of readFileSync(RESULTS, 'utf8').split('\n')) {
      const id = /^\| `([\w-]+)`\s+\|/.exec(line)?.[1];
      if (id) rows.set(id, line);
    }
  for (const o of outcomes)
    rows.set(
      o.mutant.id,
      `| \`${o.mutant.id}\` | ${cell(o.mutant.claim)} | \`${o.mutant.test.replace(/^dist\//, '').replace(/\.js$/, '.ts')}\` | **${o.verdict}** (${o.seconds} s): ${cell(o.evidence.slice(0, 300))} | ${when} |`,
    );
  const text = [
    '# Mutants: each claim seen failing against broken code',
    '',
    'Written by `sudo npm run mutants` (`-- ID…` reruns some and keeps the other rows). Each mutant',
    '(test/mutants/mutants.ts) breaks one claim in a copy of the checkout; its test passed on the',
    'unbroken copy first, and must go red with the line shown.',
    '',
    '| mutant | the claim it breaks | test | result | run at |',
    '| --- | --- | --- | --- | --- |',
    ...MUTANTS.flatMap((m) => rows.get(m.id) ?? []),
    '',
  ].join('\n');
  writeFileSync(RESULTS, text);
  process.stdout.write(text);
}

process.exitCode = main();
