#!/bin/bash
# The test command (npm test, after the build): as root, the packages the labs and the tests need
# (test/lab/packages.sh), then test/runner/run.ts: unit tests beside the lab suites, which run on
# ZKLAB_PARALLEL labs at once (default 2: on this 2-core machine a third lab slows every suite more
# than it adds), longest first; then the per-suite times and one closing line. Arguments narrow
# the run: npm test -- e2e/upgrade.
# The release matrix is one setting, ZKLAB_RELEASES (default "3.4.9 3.8.0"): every suite runs on the
# first release (the guide's 3.4.9), and the suites where releases behave differently run again on
# each further one (test/runner/jobs.ts). Without root the lab tests say loudly that they are
# skipped, and under CI=true they fail instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "$(id -u)" = 0 ]; then bash test/lab/packages.sh; fi
exec node dist/test/runner/run.js "$@"
