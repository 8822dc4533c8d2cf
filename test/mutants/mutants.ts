// The breaks that prove our tests can fail: each mutant breaks one behaviour the README or
// SECURITY.md claims, and names the test that must then go red. `npm run mutants` applies each to a
// copy of the checkout, one at a time, and records what happened in test/mutants/RESULTS.md.

export interface Mutant {
  id: string;
  /** The claim this break takes away, as the README or SECURITY.md words it. */
  claim: string;
  /**
   * Text replacements in files of the copy, in order; each `from` must occur exactly once (a stale
   * mutant fails loudly).
   */
  edits?: { file: string; from: string; to: string }[];
  /** Shell run in the copy after the build, before the test (a break the build cannot make). */
  afterBuild?: string;
  /** A command put out of reach of the test (its directory is left off PATH). */
  hideCommand?: string;
  /** The compiled test file, relative to the copy, and the tests in it to run (all when absent). */
  test: string;
  only?: string[];
  /** Instead of node --test: a shell command in the copy that must fail. */
  command?: string;
  /** Text the failing run must print: the test that went red, or the refusal, not some other breakage. */
  expect: string;
  /** Text the failure must also print: which assertion bit, where the test makes several. */
  because?: string;
  /** Needs the lab (an end-to-end test). */
  lab: boolean;
  env?: Record<string, string>;
}

export const MUTANTS: Mutant[] = [
  {
    id: 'summary-drops-a-host',
    claim: '"nothing changed" is asserted on a summary table that has every host, never on empty output',
    edits: [
      {
        file: 'src/ui/summary.ts',
        from: 'for (const host of fleet.hosts) {\n    const cells',
        to: 'for (const host of fleet.hosts.slice(0, -1)) {\n    const cells',
      },
    ],
    test: 'dist/test/e2e/install.test.js',
    only: ['cold install', 're-run'],
    expect: '✖ re-run: every step unchanged, nothing on the hosts modified',
    lab: true,
  },
  {
    id: 'extraction-keeps-session-umask',
    claim: "nothing zkdeploy writes is group- or world-writable, even under RHEL's umask 002",
    edits: [{ file: 'src/plan/install-plan.ts', from: "    'umask 022',\n", to: "    'true',\n" }],
    test: 'dist/test/e2e/faults.test.js',
    only: ['umask 002'],
    expect: '✖ nothing zkdeploy writes is group- or world-writable',
    lab: true,
  },
  {
    id: 'verify-replication-accepts-stale-reads',
    claim: "verify's replication check fails on a stale read",
    edits: [{ file: 'src/verify/checks.ts', from: 'if (!seen) throw', to: 'if (!seen && false) throw' }],
    test: 'dist/test/unit/verify.test.js',
    only: ['replication'],
    expect: '✖ replication: a stale read through another server fails',
    lab: false,
  },
  {
    id: 'verify-watch-accepts-silence',
    claim: "verify's watch check fails when a watch never fires",
    edits: [
      {
        file: 'src/verify/checks.ts',
        from: "if (event !== 'NODE_DATA_CHANGED')",
        to: "if (event !== 'NODE_DATA_CHANGED' && event !== undefined)",
      },
    ],
    test: 'dist/test/unit/verify.test.js',
    only: ['watch'],
    expect: '✖ watch: a watch that never fires fails',
    lab: false,
  },
  {
    id: 'verify-lock-accepts-two-holders',
    claim: "verify's lock check fails when two clients hold the lock at once",
    edits: [{ file: 'src/verify/checks.ts', from: 'if (bHolds) throw', to: 'if (bHolds && false) throw' }],
    test: 'dist/test/unit/verify.test.js',
    only: ['lock'],
    expect: '✖ lock: two holders at once fail',
    lab: false,
  },
  {
    id: 'hung-command-left-running',
    claim:
      "a command past --command-timeout is ended on the host by zkdeploy (its SSH session's processes killed)",
    edits: [
      {
        file: 'src/remote/shell.ts',
        from: "return `for p in $(pgrep -f '${pattern}');",
        to: "return `for p in $(: '${pattern}');",
      },
    ],
    test: 'dist/test/e2e/faults.test.js',
    only: ['a remote command that hangs'],
    expect: '✖ a remote command that hangs on one host',
    lab: true,
  },
  {
    id: 'stale-lock-never-taken-over',
    claim: 'a stale lock (its process dead) is taken over',
    edits: [
      { file: 'src/run/lock.ts', from: '&& alive(owner.pid)) {', to: '&& (alive(owner.pid) || true)) {' },
    ],
    test: 'dist/test/unit/lock.test.js',
    only: ['a lock left by a dead process is taken over'],
    expect: '✖ a lock left by a dead process is taken over',
    lab: false,
  },
  {
    id: 'stale-lock-takeover-drops-a-fresh-lock',
    claim: 'a takeover never removes a fresh lock another run took after the stale one was read',
    edits: [
      {
        file: 'src/run/lock.ts',
        from: 'if (readLock(aside) !== staleText) {',
        to: 'if (readLock(aside) !== staleText && readLock(aside) === undefined) {',
      },
    ],
    test: 'dist/test/unit/lock.test.js',
    only: ['never removes a fresh lock'],
    expect: '✖ a takeover never removes a fresh lock',
    lab: false,
  },
  {
    id: 'zsh-missing-under-ci',
    claim: 'the zsh completion is checked by zsh itself; under CI=true a missing zsh fails, never skips',
    hideCommand: 'zsh',
    env: { CI: 'true' },
    test: 'dist/test/unit/cli-extras.test.js',
    only: ['zsh completion'],
    expect: '✖ zsh completion is valid zsh',
    lab: false,
  },
  {
    id: 'run-tests-without-e2e',
    claim: 'the test command never drops a suite silently: no compiled end-to-end tests is a failure',
    afterBuild: 'rm -rf dist/test/e2e',
    test: 'test/run-tests.sh',
    command: 'bash test/run-tests.sh',
    expect: 'run-tests: no tests in dist/test/e2e/',
    lab: true,
  },
  {
    id: 'exit-lock-contention-not-1',
    claim: 'exit 1 when another run holds the lock (README, exit codes)',
    edits: [
      {
        file: 'src/run/lock.ts',
        from: "ExitCode.failed,\n        'wait for it",
        to: "ExitCode.no,\n        'wait for it",
      },
    ],
    test: 'dist/test/e2e/faults.test.js',
    only: ['two runs at once'],
    expect: '✖ two runs at once',
    lab: true,
  },
  {
    id: 'exit-status-unhealthy-not-2',
    claim: 'exit 2 when status finds the ensemble unhealthy (README, exit codes)',
    edits: [
      {
        file: 'src/commands/status.ts',
        from: 'health.healthy ? ExitCode.ok : ExitCode.no',
        to: 'ExitCode.ok',
      },
    ],
    test: 'dist/test/e2e/exit-codes.test.js',
    expect: '✖ 0 and 2: done or healthy is 0',
    lab: true,
  },
  {
    id: 'exit-bad-input-not-3',
    claim: 'exit 3 for bad input, nothing touched (README, exit codes)',
    edits: [
      {
        file: 'src/errors.ts',
        from: 'super(message, ExitCode.badInput, fix);',
        to: 'super(message, ExitCode.failed, fix);',
      },
    ],
    test: 'dist/test/e2e/exit-codes.test.js',
    only: ['3: bad input'],
    expect: '✖ 3: bad input',
    lab: true,
  },
  {
    id: 'exit-usage-not-64',
    claim: 'exit 64 for usage errors (README, exit codes)',
    edits: [
      {
        file: 'src/errors.ts',
        from: 'super(message, ExitCode.usage, fix);',
        to: 'super(message, ExitCode.failed, fix);',
      },
    ],
    test: 'dist/test/e2e/exit-codes.test.js',
    only: ['64: usage'],
    expect: '✖ 64: usage',
    lab: true,
  },
  {
    id: 'reset-kills-only-admin',
    claim: "lab reset returns every host to what up left (root's processes included), or fails loudly",
    edits: [
      {
        file: 'test/lab/lab.sh',
        from: `[[ "$keep" == *" $pid "* ]] || kill -KILL "$pid" 2>/dev/null || true`,
        to: `[[ "$keep" == *" $pid "* ]] || [ "$(ps -o user= -p "$pid")" != admin ] || kill -KILL "$pid" 2>/dev/null || true`,
      },
    ],
    test: 'dist/test/lab/lab.test.js',
    only: ['reset returns every host'],
    expect: '✖ reset returns every host to what up left',
    lab: true,
  },
  {
    id: 'injection-unchecked-and-unquoted',
    claim: 'a value a shell would run never runs anywhere (refused, and quoted by one helper anyway)',
    edits: [
      {
        file: 'src/remote/safe-values.ts',
        from: 'export const REMOTE_PATH = new RegExp(`^(~|~/[${PATH_CHARS}]*|/[${PATH_CHARS}]*)$`);',
        to: 'export const REMOTE_PATH = /^/;',
      },
      {
        file: 'src/remote/quote.ts',
        from: 'if (/^[A-Za-z0-9_./=:@%+,-]+$/.test(value)) return value;',
        to: 'if (value) return value;',
      },
    ],
    test: 'dist/test/e2e/bad-input.test.js',
    only: ['values that a shell would run'],
    expect: '✖ values that a shell would run are refused',
    because: 'pwned-path',
    lab: true,
  },
  {
    id: 'sudo-password-on-a-command-line',
    claim: 'passwords never appear on a command line, on this machine or on a host, while zkdeploy runs',
    edits: [
      {
        file: 'src/ssh/session.ts',
        from: 'this.client.exec(viaBash(command, tag), options,',
        to: "this.client.exec(answer ? `bash -c 'sleep 2' ${answer.text}; ${viaBash(command, tag)}` : viaBash(command, tag), options,",
      },
    ],
    test: 'dist/test/e2e/auth.test.js',
    only: ['--verbose with both passwords'],
    expect: '✖ --verbose with both passwords',
    because: 'a password on a command line',
    lab: true,
  },
  {
    id: 'stop-dry-run-stops',
    claim: 'a dry run changes nothing on any host (tested by a snapshot of everything zkdeploy could touch)',
    edits: [{ file: 'src/ops/lifecycle.ts', from: '  if (executor.dryRun) return true;\n', to: '' }],
    test: 'dist/test/e2e/dry-run.test.js',
    expect: '✖ install, start, stop, restart, uninstall and uninstall --purge-data: exit 2, hosts untouched',
    lab: true,
  },
  {
    id: 'verify-sequential-accepts-any-order',
    claim: "verify's sequential check fails when sequence numbers do not increase",
    edits: [
      {
        file: 'src/verify/checks.ts',
        from: 'if (!(number > last)) throw',
        to: 'if (!(number > last) && false) throw',
      },
    ],
    test: 'dist/test/unit/verify.test.js',
    only: ['sequential'],
    expect: '✖ sequential: numbers that do not increase fail',
    lab: false,
  },
  {
    id: 'exit-internal-not-70',
    claim: 'exit 70 for an internal error, said to be a bug (README, exit codes)',
    edits: [{ file: 'src/cli.ts', from: '  return ExitCode.internal;', to: '  return ExitCode.failed;' }],
    test: 'dist/test/unit/cli-extras.test.js',
    only: ['internal error'],
    expect: '✖ an error that is not one of ours is an internal error',
    lab: false,
  },
  {
    id: 'exit-interrupted-not-130',
    claim: 'exit 130 when interrupted, the lock released, nothing left running (README, exit codes)',
    edits: [
      {
        file: 'src/cli.ts',
        from: 'process.exit(ExitCode.interrupted)',
        to: 'process.exit(ExitCode.failed)',
      },
    ],
    test: 'dist/test/e2e/exit-codes.test.js',
    only: ['130: interrupted \\(Ctrl-C\\) during an install'],
    expect: '✖ 130: interrupted (Ctrl-C) during an install',
    lab: true,
  },
  {
    id: 'open-ports-needs-sudo-true',
    claim: '--firewall open-ports works under the narrow sudoers rule check --become prints (no `sudo true`)',
    edits: [
      {
        file: 'src/firewall/decide.ts',
        from: 'if (!facts.canSudo && !facts.isRoot && !(running && listed))',
        to: 'if (!facts.canSudo && !facts.isRoot)',
      },
    ],
    test: 'dist/test/e2e/firewalld.test.js',
    expect: '✖ --firewall open-ports',
    lab: true,
  },
  {
    id: 'unit-without-restart',
    claim: 'service: systemd: a server killed with SIGKILL comes back by itself',
    edits: [{ file: 'templates/zookeeper.service', from: 'Restart=on-failure\n', to: '' }],
    test: 'dist/test/e2e/systemd.test.js',
    expect: '✖ a server killed with SIGKILL comes back by itself',
    lab: true,
  },
  {
    id: 'unit-not-enabled',
    claim: 'service: systemd: the unit is enabled (started at boot), judged by what systemctl reports',
    edits: [{ file: 'src/remote/service.ts', from: "    [SYSTEMCTL, 'enable', UNIT_NAME],\n", to: '' }],
    test: 'dist/test/e2e/systemd.test.js',
    expect: '✖ from zkServer.sh to systemd',
    because:
      'check that /etc/systemd/system/zookeeper.service is the unit written and zookeeper.service is enabled failed',
    lab: true,
  },
  {
    id: 'foreign-unit-taken',
    claim: "only a unit carrying zkdeploy's mark is ever replaced or removed",
    edits: [
      {
        file: 'src/remote/service.ts',
        from: 'content?.startsWith(UNIT_MARK) ?? false',
        to: 'content !== undefined',
      },
    ],
    test: 'dist/test/e2e/systemd.test.js',
    expect: "✖ a unit that is not zkdeploy's is never replaced or removed",
    lab: true,
  },
  {
    id: 'probe-writes',
    claim: 'the probes only read (so plan and a dry run change nothing): a probe that chmods is caught',
    edits: [
      {
        file: 'src/plan/probe.ts',
        from: "'echo @@uid; id -u',",
        to: "'echo @@uid; id -u; chmod 600 ~/.bash_profile',",
      },
    ],
    test: 'dist/test/unit/probe.test.js',
    only: ['the probe scripts only read'],
    expect: '✖ the probe scripts only read',
    lab: false,
  },
  {
    id: 'purge-without-yes',
    claim: 'a purge declined at its prompt changes nothing',
    edits: [
      {
        file: 'src/commands/uninstall.ts',
        from: "if (answer.trim() !== 'purge') throw",
        to: "if (answer.trim() === 'never typed') throw",
      },
    ],
    test: 'dist/test/e2e/edges.test.js',
    only: ['logs of servers that never ran', 'a purge declined'],
    expect: '✖ a purge declined at its prompt changes nothing',
    lab: true,
  },
  {
    id: 'release-path-trusted',
    claim:
      'uninstall refuses a release directory read back from a host that is not a release inside the install dir',
    edits: [
      {
        file: 'src/commands/uninstall.ts',
        from: '!isWithin(release, installDir) ||',
        to: "!isWithin(release, '/') ||",
      },
    ],
    test: 'dist/test/e2e/edges.test.js',
    only: ['logs of servers that never ran', 'uninstall refuses a release directory'],
    expect: '✖ uninstall refuses a release directory read back from a host',
    lab: true,
  },
  {
    id: 'changed-host-key-accepted',
    claim: 'a changed host key is always refused, StrictHostKeyChecking no included',
    edits: [
      {
        file: 'src/ssh/handshake.ts',
        from: "if (verdict === 'unknown' && options.acceptNewHostKeys) {",
        to: "if ((verdict === 'unknown' || verdict === 'changed') && options.acceptNewHostKeys) {",
      },
    ],
    test: 'dist/test/e2e/ssh-trust.test.js',
    only: ['StrictHostKeyChecking no'],
    expect: '✖ a changed host key is refused under StrictHostKeyChecking no',
    lab: true,
  },
  {
    id: 'init-force-ignored',
    claim: 'init never writes over a file, except with --force',
    edits: [{ file: 'src/commands/init.ts', from: '&& !options.force)', to: '&& true)' }],
    test: 'dist/test/unit/cli-extras.test.js',
    only: ['init writes a commented inventory'],
    expect: '✖ init writes a commented inventory',
    lab: false,
  },
  {
    id: 'plan-host-failure-not-1',
    claim: 'plan exits 1 when a host fails (unreachable), not 2',
    edits: [
      { file: 'src/commands/plan.ts', from: 'if (fleet.failed.length > 0) return ExitCode.failed;', to: '' },
    ],
    test: 'dist/test/e2e/edges.test.js',
    only: ['logs of servers that never ran', 'a host unreachable: plan fails on it'],
    expect: '✖ a host unreachable: plan fails on it (1)',
    lab: true,
  },
  {
    id: 'logs-silent-when-none',
    claim: 'logs of servers that never ran: each host says it has none',
    edits: [
      {
        file: 'src/commands/logs.ts',
        from: '{ echo ${shellQuote(`no server log in ${serverLogDir}`)} >&2; exit 3; }',
        to: "{ : ${shellQuote('')}; exit 0; }",
      },
    ],
    test: 'dist/test/e2e/edges.test.js',
    only: ['logs of servers that never ran'],
    expect: '✖ logs of servers that never ran',
    lab: true,
  },
  {
    id: 'network-blame-dropped',
    claim: 'check names a port closed to the other hosts on its host, and fails it (install refused)',
    edits: [
      {
        file: 'src/check/network-judge.ts',
        from: "        status: 'fail',\n        message: problems.join('; '),",
        to: "        status: 'pass',\n        message: problems.join('; '),",
      },
    ],
    test: 'dist/test/e2e/check.test.js',
    only: ['a clean lab passes', "one host's election port closed"],
    expect: "✖ one host's election port closed to its peers",
    lab: true,
  },
  {
    id: 'encrypted-key-skipped-silently',
    claim:
      'an encrypted key named with --identity and no terminal to ask its passphrase is bad input (exit 3), never skipped',
    edits: [
      {
        file: 'src/ssh/unlock.ts',
        from: '      if (id.required)\n',
        to: '      if (id.required && false)\n',
      },
    ],
    test: 'dist/test/e2e/auth.test.js',
    only: ['an encrypted key'],
    expect: '✖ an encrypted key: its passphrase is asked once',
    lab: true,
  },
  {
    id: 'upgrade-ignores-snapshotless-data',
    claim:
      'the roll starts a server whose data has no snapshot once with snapshot.trust.empty, so 3.5+ loads it',
    edits: [
      {
        file: 'src/upgrade/roll.ts',
        from: 'facts.snapshots.length === 0 &&',
        to: 'facts.snapshots.length < 0 &&',
      },
    ],
    test: 'dist/test/e2e/upgrade.test.js',
    only: ['3.4.9 → 3.8.0 and back'],
    expect: '✖ 3.4.9 → 3.8.0 and back',
    because: 'No snapshot found, but there are log entries',
    lab: true,
  },
  {
    id: 'rollback-rolls-over-unreadable-log',
    claim:
      'a rollback whose old release cannot load what the new one wrote restores the archives, after saying what is lost, never rolls onto it',
    edits: [
      {
        file: 'src/commands/rollback.ts',
        from: 'const mustRestore = scans.some(',
        to: 'const mustRestore = false && scans.some(',
      },
    ],
    test: 'dist/test/e2e/upgrade.test.js',
    only: ['3.4.9 → 3.8.0 and back', 'a server that cannot start', '3.8.0 wrote what 3.4.9 cannot load'],
    expect: '✖ 3.8.0 wrote what 3.4.9 cannot load',
    lab: true,
  },
  {
    id: 'purge-takes-unstamped-archives',
    claim: 'a purge takes only the archives zkdeploy stamped, never a directory that merely looks like one',
    edits: [
      {
        file: 'src/upgrade/leftovers.ts',
        from: 'if [ -d "$a" ] && [ -f "$a/${ARCHIVE_STAMP}" ]; then',
        to: 'if [ -d "$a" ] || [ -f "$a/${ARCHIVE_STAMP}" ]; then',
      },
    ],
    test: 'dist/test/e2e/upgrade.test.js',
    expect: '✖ uninstall after an upgrade',
    because: 'a purge went beyond what zkdeploy stamped',
    lab: true,
  },
  {
    id: 'install-rewrites-membership',
    claim: "install never rewrites a running ensemble's server list: it refuses and points to scale",
    edits: [
      {
        file: 'src/commands/install.ts',
        from: '    if (membership) {',
        to: '    if (membership && false) {',
      },
    ],
    test: 'dist/test/e2e/membership.test.js',
    expect: '✖ each step planned, then made',
    lab: true,
  },
  {
    id: 'install-switches-running-release',
    claim: 'install never switches running servers to another release: upgrade and rollback do',
    edits: [
      {
        file: 'src/commands/install.ts',
        from: '    if (switching.length > 0) {',
        to: '    if (switching.length > 0 && false) {',
      },
    ],
    test: 'dist/test/e2e/upgrade.test.js',
    only: ['3.4.9 → 3.8.0 and back'],
    expect: '✖ 3.4.9 → 3.8.0 and back',
    lab: true,
  },
  {
    id: 'restore-trusts-the-manifest-blindly',
    claim: 'a backup with one corrupted file is refused before any server stops',
    edits: [
      {
        file: 'src/backup/manifest.ts',
        from: 'if (bytes.length !== file.size || sha256(bytes) !== file.sha256) {',
        to: 'if (false) {',
      },
    ],
    test: 'dist/test/e2e/backup.test.js',
    expect: '✖ a tree backed up under a live writer',
    lab: true,
  },
  {
    id: 'restore-deletes-the-data-it-replaces',
    claim: "restore moves each server's data aside (stamped), never deletes it",
    edits: [
      {
        file: 'src/backup/seed.ts',
        from: `'if [ -e "$dir" ]; then mv -- "$dir" "$aside"; fi',`,
        to: `'if [ -e "$dir" ]; then rm -rf -- "$dir"; fi',`,
      },
    ],
    test: 'dist/test/e2e/backup.test.js',
    expect: '✖ a tree backed up under a live writer',
    because: 'data.zxid-*/.zkdeploy-archive',
    lab: true,
  },
];
