// The test run's plan and summary (test/runner/): which suite runs on which release, longest first,
// and what the closing line counts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWeights, planJobs, releaseSensitive } from '../runner/jobs.js';
import { closingLine, type Finished, failureDigest, failures, parseCounts } from '../runner/summary.js';

const e2eSuites = [...releaseSensitive.map((name) => `e2e/${name}`), 'e2e/guide', 'e2e/jump'];

describe('test runner', () => {
  test('every suite on the first release, the release-sensitive ones on each further; longest first', () => {
    const weights = parseWeights(
      '# comment\n3.4.9\te2e/membership\t110\n3.8.0\te2e/membership\t120\n-\tunit\t20\n',
    );
    const jobs = planJobs({
      labSuites: ['lab/lab'],
      e2eSuites,
      releases: ['3.4.9', '3.8.0'],
      filters: [],
      weights,
    });
    assert.equal(jobs.length, 1 + 1 + e2eSuites.length + releaseSensitive.length);
    assert.deepEqual(
      jobs.slice(0, 2).map((j) => `${j.release} ${j.suite}`),
      ['3.8.0 e2e/membership', '3.4.9 e2e/membership'],
    );
    assert.equal(jobs.filter((j) => j.suite === 'e2e/guide').length, 1);
    assert.equal(jobs.find((j) => j.suite === 'e2e/guide')?.release, '3.4.9');
    const unit = jobs.find((j) => j.suite === 'unit');
    assert.equal(unit?.needsLab, false);
    assert.equal(unit?.weight, 20);
    // Unknown suites are placed as a minute.
    assert.equal(jobs.find((j) => j.suite === 'e2e/jump')?.weight, 60);
  });

  test('arguments narrow the run to the suites whose name contains one', () => {
    const jobs = planJobs({
      labSuites: ['lab/lab'],
      e2eSuites,
      releases: ['3.4.9', '3.8.0'],
      filters: ['e2e/membership', 'unit/'],
      weights: new Map(),
    });
    assert.deepEqual(jobs.map((j) => `${j.release ?? '-'} ${j.suite}`).sort(), [
      '- unit',
      '3.4.9 e2e/membership',
      '3.8.0 e2e/membership',
    ]);
  });

  test('a renamed release-sensitive suite is an error, not a suite silently left out', () => {
    assert.throws(
      () =>
        planJobs({
          labSuites: [],
          e2eSuites: ['e2e/guide'],
          releases: ['3.4.9'],
          filters: [],
          weights: new Map(),
        }),
      /release-sensitive suites missing .*install/,
    );
  });

  test("the counts are the spec reporter's last; a crashed job with no failed test still fails", () => {
    const output = 'ℹ tests 3\nℹ pass 2\nℹ fail 1\nℹ cancelled 0\nℹ skipped 1\nℹ todo 0\n';
    assert.deepEqual(parseCounts(output), { pass: 2, fail: 1, skipped: 1, cancelled: 0, todo: 0 });
    const job = (exitCode: number, text: string): Finished => ({
      suite: 'e2e/x',
      release: '3.4.9',
      lab: 0,
      seconds: 1,
      exitCode,
      counts: parseCounts(text),
      output: text,
    });
    assert.equal(failures(job(1, output)), 1);
    assert.equal(failures(job(1, 'Error: cannot find module\n')), 1);
    assert.equal(failures(job(0, 'ℹ pass 4\n')), 0);
    assert.equal(
      closingLine([job(1, output), job(0, 'ℹ pass 4\nℹ skipped 2\n')]),
      'tests: 6 passed, 1 failed, 3 skipped',
    );
  });

  test("a failed suite's digest is its failing-tests section without stack frames, bounded", () => {
    const output = [
      '✖ a (3ms)',
      '  AssertionError: first report',
      'ℹ fail 1',
      '',
      '✖ failing tests:',
      '',
      'test at dist/test/e2e/x.test.js:2:1',
      '✖ a (3ms)',
      '  AssertionError [ERR_ASSERTION]: one is not two',
      '      at TestContext.<anonymous> (file:///tmp/f.test.mjs:2:26)',
      '      at node:internal/process/task_queues:140:7',
      '      at async Suite.processPendingSubtests (node:internal/test_runner/test:526:7) {',
      "    code: 'ERR_ASSERTION',",
    ].join('\n');
    assert.deepEqual(failureDigest(output).split('\n'), [
      '✖ failing tests:',
      '',
      'test at dist/test/e2e/x.test.js:2:1',
      '✖ a (3ms)',
      '  AssertionError [ERR_ASSERTION]: one is not two',
      "    code: 'ERR_ASSERTION',",
    ]);
    assert.equal(failureDigest(output, 3).split('\n').at(-1), "… 3 more lines in the suite's log");
    // A crash before any test report: its last lines.
    assert.equal(failureDigest('a\nb\nError: cannot find module x\n', 2), 'b\nError: cannot find module x');
  });
});
