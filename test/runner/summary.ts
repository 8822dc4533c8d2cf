// What a finished job's output says, and the run's closing table and line.

/** The counts node's spec reporter ends a run with (`ℹ pass 12`), zero where absent. */
export interface Counts {
  pass: number;
  fail: number;
  skipped: number;
  cancelled: number;
  todo: number;
}

export function parseCounts(output: string): Counts {
  const count = (name: string) => {
    const matches = [...output.matchAll(new RegExp(`^ℹ ${name} (\\d+)$`, 'gm'))];
    return Number(matches.at(-1)?.[1] ?? 0);
  };
  return {
    pass: count('pass'),
    fail: count('fail'),
    skipped: count('skipped'),
    cancelled: count('cancelled'),
    todo: count('todo'),
  };
}

export interface Finished {
  suite: string;
  release: string | undefined;
  lab: number | undefined;
  seconds: number;
  exitCode: number | null;
  counts: Counts;
  /** The suite's whole output (its log holds it too). */
  output: string;
}

/** A job that exited non-zero with no failed test (a crash, a hook, a signal) still fails the run. */
export const failures = (job: Finished) =>
  job.counts.fail +
  job.counts.cancelled +
  (job.exitCode !== 0 && job.counts.fail + job.counts.cancelled === 0 ? 1 : 0);

/** The per-suite table, longest first: what the next cut in CI time is measured against. */
export function timesTable(done: Finished[]): string {
  const rows = [...done].sort((a, b) => b.seconds - a.seconds);
  const lines = rows.map((job) =>
    [
      job.suite.padEnd(22),
      (job.release ?? '-').padEnd(7),
      job.lab === undefined ? '-  ' : `${job.lab}  `,
      `${job.seconds.toFixed(1)} s`.padStart(8),
      `${job.counts.pass} passed`.padStart(10),
      failures(job) > 0 ? `  ${failures(job)} FAILED` : '',
    ].join(' '),
  );
  return [
    `${'suite'.padEnd(22)} ${'release'.padEnd(7)} lab ${'time'.padStart(8)} ${'tests'.padStart(10)}`,
    ...lines,
  ].join('\n');
}

/** Measured times as test/suite-times.tsv reads them. */
export const timesTsv = (done: Finished[]) =>
  [
    '# release\tsuite\tseconds (measured by test/runner/run.ts; the order of the next run)',
    ...[...done]
      .sort((a, b) => b.seconds - a.seconds)
      .map((job) => `${job.release ?? '-'}\t${job.suite}\t${Math.round(job.seconds)}`),
  ].join('\n');

/** The closing line (`N passed, N failed, N skipped`, as CI reads it). */
export function closingLine(done: Finished[]): string {
  const sum = (pick: (job: Finished) => number) => done.reduce((total, job) => total + pick(job), 0);
  return `tests: ${sum((j) => j.counts.pass)} passed, ${sum(failures)} failed, ${sum((j) => j.counts.skipped + j.counts.todo)} skipped`;
}

/**
 * What a failed suite's own report says went wrong (node's `✖ failing tests:` section), without the
 * stack frames, at most `maxLines` lines: printed again after the table, because a CI log is often
 * read only from its end and the suite's whole output may be far above it.
 */
export function failureDigest(output: string, maxLines = 80): string {
  const start = output.lastIndexOf('✖ failing tests:');
  if (start < 0) return output.trimEnd().split('\n').slice(-maxLines).join('\n');
  const lines = output
    .slice(start)
    .trimEnd()
    .split('\n')
    .filter((line) => !/^\s+at .*:\d+:\d+\)?( \{)?$/.test(line) && !/^\s+at node:/.test(line));
  return lines.length <= maxLines
    ? lines.join('\n')
    : [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines in the suite's log`].join('\n');
}
