#!/bin/bash
# The test command (npm test, after the build): unit tests, then the lab's own tests and zkdeploy's
# end-to-end tests on the lab, one file at a time (they share the lab's hosts).
# The release matrix is one setting, ZKLAB_RELEASES (default "3.4.9 3.8.0"): every suite runs on the
# first release (the guide's 3.4.9), and the suites where releases behave differently run again on
# each further one.
# As root the lab is brought up first (idempotent); without root the lab tests say loudly that
# they are skipped, and under CI=true they fail instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

read -r -a releases <<<"${ZKLAB_RELEASES:-3.4.9 3.8.0}"
[ ${#releases[@]} -ge 1 ] || { echo "run-tests: ZKLAB_RELEASES names no release" >&2; exit 1; }
# Where 3.4.x and 3.5+ differ: scripts (start, stop, status, start-foreground), log files, four-letter words, layout.
release_sensitive=(install start-status stop restart logs verify plan uninstall faults systemd membership backup dashboard)

if [ "$(id -u)" = 0 ]; then
  bash test/lab/lab.sh up
  # The dashboard is tested as a person sees it: in Debian's chromium (puppeteer-core drives it).
  if ! command -v chromium >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  fi
else
  echo "*** not root: the lab cannot be brought up; end-to-end tests will be skipped (run: sudo npm test)" >&2
fi

# A missing suite is a broken build, never a silent pass.
suites=(dist/test/unit/ dist/test/lab/ dist/test/e2e/)
for suite in "${suites[@]}"; do
  compgen -G "$suite*.test.js" >/dev/null || { echo "run-tests: no tests in $suite (run npm run build first)" >&2; exit 1; }
done
again=()
for name in "${release_sensitive[@]}"; do
  file="dist/test/e2e/$name.test.js"
  [ -f "$file" ] || { echo "run-tests: $file is missing (a release-sensitive suite was renamed?)" >&2; exit 1; }
  again+=("$file")
done

run() { # release, test files…
  local release=$1
  shift
  echo "=== ZooKeeper $release (ZKLAB_RELEASE=$release) ==="
  ZKLAB_RELEASE=$release node --test --test-concurrency=1 --test-reporter=spec --test-timeout=600000 "$@"
}

status=0
run "${releases[0]}" "${suites[@]}" || status=1
for release in "${releases[@]:1}"; do
  run "$release" "${again[@]}" || status=1
done
[ ! -d test-artifacts ] || echo "run-tests: screenshots and other artifacts in $PWD/test-artifacts"
exit $status
