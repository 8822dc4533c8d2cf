#!/bin/bash
# The test command (npm test, after the build): unit tests, then the lab's own tests and zkdeploy's
# end-to-end tests on the lab, one file at a time (they share the lab's hosts).
# As root the lab is brought up first (idempotent); without root the lab tests say loudly that
# they are skipped, and under CI=true they fail instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$(id -u)" = 0 ]; then
  bash test/lab/lab.sh up
else
  echo "*** not root: the lab cannot be brought up; end-to-end tests will be skipped (run: sudo npm test)" >&2
fi

# A missing suite is a broken build, never a silent pass.
suites=(dist/test/unit/ dist/test/lab/ dist/test/e2e/)
for suite in "${suites[@]}"; do
  compgen -G "$suite*.test.js" >/dev/null || { echo "run-tests: no tests in $suite (run npm run build first)" >&2; exit 1; }
done
exec node --test --test-concurrency=1 --test-reporter=spec --test-timeout=600000 "${suites[@]}"
