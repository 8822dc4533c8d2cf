// Which suites run on which release, and in what order: the plan of a test run, as data.
import { readFileSync } from 'node:fs';

/** One `node --test` run of one suite file on one release (unit tests: one job, no lab). */
export interface Job {
  /** `unit`, or the suite's path under dist/test without `.test.js`: `e2e/upgrade`, `lab/lab`. */
  suite: string;
  /** The ZooKeeper release it deploys (ZKLAB_RELEASE); unit tests have none. */
  release: string | undefined;
  /** What `node --test` is given. */
  files: string[];
  /** Whether it needs a lab of its own while it runs. */
  needsLab: boolean;
  /** Its last measured time in seconds (the order: longest first), or a guess. */
  weight: number;
}

/**
 * The end-to-end suites where 3.4.x and 3.5+ behave differently (scripts, log files, four-letter
 * words, layout): they run on every release; the rest on the first (the guide's 3.4.9) alone.
 */
export const releaseSensitive = [
  'install',
  'start-status',
  'stop',
  'restart',
  'logs',
  'verify',
  'plan',
  'uninstall',
  'faults',
  'systemd',
  'membership',
  'one-leader',
  'backup',
  'dashboard',
];

/** Suites that boot the lab's systemd hosts (their root file system is built ahead, once). */
export const bootsSystemdHosts = ['e2e/firewalld', 'e2e/systemd', 'e2e/upgrade-systemd'];

/** A suite's time is not known yet (a new file): placed as if it were this long. */
const UNKNOWN_WEIGHT = 60;

/** `release<TAB>suite<TAB>seconds` lines (test/suite-times.tsv) as a lookup. */
export function parseWeights(text: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [release, suite, seconds] = line.split('\t');
    if (!release || !suite || line.startsWith('#')) continue;
    const value = Number(seconds);
    if (Number.isFinite(value) && value >= 0) weights.set(`${release}\t${suite}`, value);
  }
  return weights;
}

export function readWeights(path: string): Map<string, number> {
  try {
    return parseWeights(readFileSync(path, 'utf8'));
  } catch {
    return new Map();
  }
}

export const jobKey = (job: Pick<Job, 'release' | 'suite'>) => `${job.release ?? '-'}\t${job.suite}`;

/**
 * Every job of a run: the unit tests, then each lab and e2e suite on the first release and the
 * release-sensitive ones on each further release; narrowed to the suites whose name contains one
 * of `filters` (`e2e/upgrade`, `dashboard`, `unit`), and ordered longest first, so the last to start
 * are the short ones and the labs finish together.
 */
export function planJobs(options: {
  labSuites: string[];
  e2eSuites: string[];
  releases: string[];
  filters: string[];
  weights: Map<string, number>;
}): Job[] {
  const { releases, filters, weights } = options;
  const [first, ...further] = releases;
  if (!first) throw new Error('no release to test (ZKLAB_RELEASES is empty)');
  const missing = releaseSensitive.filter((name) => !options.e2eSuites.includes(`e2e/${name}`));
  if (missing.length > 0)
    throw new Error(`release-sensitive suites missing from dist/test/e2e: ${missing.join(', ')} (renamed?)`);
  const jobs: Job[] = [
    { suite: 'unit', release: undefined, files: ['dist/test/unit/'], needsLab: false, weight: 0 },
  ];
  const onLab = (suite: string, release: string): Job => ({
    suite,
    release,
    files: [`dist/test/${suite}.test.js`],
    needsLab: true,
    weight: 0,
  });
  for (const suite of [...options.labSuites, ...options.e2eSuites]) jobs.push(onLab(suite, first));
  for (const release of further)
    for (const name of releaseSensitive) jobs.push(onLab(`e2e/${name}`, release));
  const chosen =
    filters.length === 0
      ? jobs
      : jobs.filter((job) => filters.some((f) => job.suite.includes(f.replace(/\/$/, ''))));
  for (const job of chosen) job.weight = weights.get(jobKey(job)) ?? UNKNOWN_WEIGHT;
  return chosen.sort((a, b) => b.weight - a.weight || a.suite.localeCompare(b.suite));
}
