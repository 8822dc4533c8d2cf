// The test run (npm test, after the build; test/run-tests.sh calls it): the unit tests beside the
// lab suites, which run on ZKLAB_PARALLEL labs at once (default 2; each lab runs one suite at a
// time, longest first), each suite's output printed whole when it ends, then the per-suite times
// and one closing line. Arguments narrow it to suites whose name contains one of them.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { bootsSystemdHosts, type Job, planJobs, readWeights } from './jobs.js';
import {
  closingLine,
  type Finished,
  failureDigest,
  failures,
  parseCounts,
  timesTable,
  timesTsv,
} from './summary.js';

const artifacts = join(repoRoot, 'test-artifacts');
const runDir = join(artifacts, 'runs');
const labScript = join(repoRoot, 'test', 'lab', 'lab.sh');
const isRoot = process.getuid?.() === 0;
const running = new Set<ChildProcess>();
/** Node's test runner knows --test-force-exit from 20.14 (and 22). */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const forceExitKnown = major > 20 || (major === 20 && minor >= 14);

function suitesIn(dir: string): string[] {
  const names = readdirSync(join(repoRoot, 'dist', 'test', dir)).filter((f) => f.endsWith('.test.js'));
  if (names.length === 0) throw new Error(`no tests in dist/test/${dir} (run npm run build first)`);
  return names.map((f) => `${dir}/${f.replace(/\.test\.js$/, '')}`).sort();
}

/** The environment of lab `id`'s processes: its id; for another lab than 0, none of lab 0's overrides. */
function labEnv(id: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ZKLAB_ID: String(id), ...extra };
  if (id !== 0) for (const name of ['ZKLAB_STATE', 'ZKLAB_SUBNET', 'ZKLAB_BASTION_SUBNET']) delete env[name];
  return env;
}

/** Runs a command to its end in its own process group (so an interrupt ends all of it); its output to `log`. */
function runLogged(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const file = createWriteStream(log);
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      file.write(chunk);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      file.end();
      resolve({ code, output });
    });
  });
}

async function bringUpLabs(count: number): Promise<void> {
  for (let id = 0; id < count; id++) {
    const started = Date.now();
    const { code, output } = await runLogged(
      'bash',
      [labScript, 'up'],
      labEnv(id),
      join(runDir, `lab-${id}-up.log`),
    );
    if (code !== 0) throw new Error(`lab ${id} did not come up:\n${output}`);
    process.stdout.write(`run-tests: lab ${id} up (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

function nodeTestArgs(job: Job): string[] {
  const junit = join(artifacts, 'junit', `${job.release ?? 'unit'}-${job.suite.replace('/', '-')}.xml`);
  return [
    process.execPath,
    '--test',
    // A file whose tests have all ended exits even with a handle left open (a lab suite once held
    // its lab for minutes after its last test that way): the next suite must not wait on it.
    ...(forceExitKnown ? ['--test-force-exit'] : []),
    ...(job.needsLab ? ['--test-concurrency=1', '--test-timeout=600000'] : []),
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    `--test-reporter-destination=${junit}`,
    ...job.files,
  ];
}

async function runJob(job: Job, lab: number | undefined): Promise<Finished> {
  const started = Date.now();
  const log = join(runDir, `${job.release ?? 'unit'}-${job.suite.replace('/', '-')}.log`);
  const env = lab === undefined ? { ...process.env } : labEnv(lab, { ZKLAB_RELEASE: job.release });
  const [command = '', ...args] =
    lab !== undefined && isRoot ? ['bash', labScript, 'run', '--', ...nodeTestArgs(job)] : nodeTestArgs(job);
  // Every suite starts on a lab as `up` left it, whatever the suite before it there left behind
  // (servers running, a mount, a grant): the order of suites on a lab is the scheduler's, not theirs.
  const reset =
    lab !== undefined && isRoot
      ? await runLogged('bash', [labScript, 'reset'], env, `${log}.reset`)
      : undefined;
  const { code, output } =
    reset && reset.code !== 0
      ? { code: reset.code, output: `run-tests: lab ${lab} reset failed before the suite:\n${reset.output}` }
      : await runLogged(command, args, env, log);
  const done: Finished = {
    suite: job.suite,
    release: job.release,
    lab,
    seconds: (Date.now() - started) / 1000,
    exitCode: code,
    counts: parseCounts(output),
    output,
  };
  const where = lab === undefined ? '' : ` on lab ${lab}`;
  const verdict = failures(done) > 0 ? `FAILED (exit ${code})` : 'ok';
  process.stdout.write(
    `\n=== ${job.suite} (ZooKeeper ${job.release ?? '-'})${where}: ${verdict}, ${done.seconds.toFixed(1)} s ===\n${output}`,
  );
  return done;
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const releases = (process.env.ZKLAB_RELEASES ?? '3.4.9 3.8.0').split(/\s+/).filter(Boolean);
  const parallel = Number(process.env.ZKLAB_PARALLEL ?? '2');
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 8)
    throw new Error(`ZKLAB_PARALLEL must be a number from 1 to 8, not '${process.env.ZKLAB_PARALLEL}'`);
  const jobs = planJobs({
    labSuites: suitesIn('lab'),
    e2eSuites: suitesIn('e2e'),
    releases,
    filters,
    weights: readWeights(join(repoRoot, 'test', 'suite-times.tsv')),
  });
  if (jobs.length === 0) throw new Error(`no suite matches ${filters.join(' ')}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  mkdirSync(join(artifacts, 'junit'), { recursive: true });

  const labJobs = jobs.filter((job) => job.needsLab);
  const unitJobs = jobs.filter((job) => !job.needsLab);
  const labs = isRoot ? Math.min(parallel, labJobs.length) : Math.min(1, labJobs.length);
  const started = Date.now();
  let rootfs: Promise<unknown> = Promise.resolve();
  if (isRoot && labJobs.some((job) => bootsSystemdHosts.includes(job.suite))) {
    // Built (about a minute on a fresh machine) while the first suites run; the first to boot a
    // systemd host waits for it.
    const log = join(runDir, 'systemd-rootfs.log');
    rootfs = runLogged('bash', [join(repoRoot, 'test', 'lab', 'systemd-host.sh'), 'build'], labEnv(0), log);
  }
  const unit = Promise.all(unitJobs.map((job) => runJob(job, undefined)));
  if (isRoot) await bringUpLabs(labs);
  else if (labJobs.length > 0)
    process.stderr.write(
      '*** not root: the lab cannot be brought up; end-to-end tests will be skipped (run: sudo npm test)\n',
    );
  process.stdout.write(
    `run-tests: ${labJobs.length} lab suites on ${labs} lab(s), releases ${releases.join(', ')}, longest first\n`,
  );

  const queue = [...labJobs];
  const worker = async (lab: number) => {
    const done: Finished[] = [];
    for (let job = queue.shift(); job; job = queue.shift()) done.push(await runJob(job, lab));
    return done;
  };
  // Started before anything is awaited: the lab suites run beside the unit tests, not after them.
  const workers = Promise.all(Array.from({ length: labs }, (_, id) => worker(id)));
  const results = [...(await unit), ...(await workers).flat()];
  await rootfs;

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  writeFileSync(join(artifacts, 'suite-times.tsv'), `${timesTsv(results)}\n`);
  process.stdout.write(`\n=== per-suite times (${minutes} min in all; test-artifacts/suite-times.tsv) ===\n`);
  process.stdout.write(`${timesTable(results)}\n`);
  for (const job of results.filter((done) => failures(done) > 0))
    process.stdout.write(
      `\n=== failed: ${job.suite} (ZooKeeper ${job.release ?? '-'}) ===\n${failureDigest(job.output)}\n`,
    );
  process.stdout.write(`run-tests: logs in ${runDir}, junit in ${join(artifacts, 'junit')}\n`);
  process.stdout.write(`${closingLine(results)}\n`);
  return results.some((job) => failures(job) > 0) ? 1 : 0;
}

/** Ends every process group the run started (suites, the root file system's build). */
function endRunning(): void {
  for (const child of running) {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }
}

function stopAll(signal: NodeJS.Signals): void {
  endRunning();
  process.stderr.write(`run-tests: ${signal}: every suite stopped\n`);
  process.exit(130);
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    endRunning();
    process.stderr.write(`run-tests: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
