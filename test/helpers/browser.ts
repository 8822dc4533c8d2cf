import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
import { repoRoot } from './paths.js';

/** Debian's chromium: the browser the page is tested in (puppeteer-core drives it; it downloads nothing). */
export const CHROMIUM = process.env.ZKDEPLOY_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots are kept as the tests' artifacts (kept after the run; CI prints the place). */
export const artifactsDir = process.env.ZKDEPLOY_ARTIFACTS ?? join(repoRoot, 'test-artifacts');

export function artifact(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return join(artifactsDir, name);
}

/**
 * Debian's chromium, headless, or a loud skip where it is not installed (`sudo npm test` installs
 * it); under CI=true a missing browser is a failure, as a missing lab is.
 */
export async function launchChromium(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} is not installed: run \`sudo apt-get install chromium\` (sudo npm test does)`;
    if (process.env.CI === 'true') throw new Error(`${why} (CI=true: a missing browser is a failure)`);
    process.stderr.write(`\n*** SKIPPED: ${why}\n`);
    t.skip(why);
    return undefined;
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root, chromium runs only without its sandbox; the page it opens is our own, on loopback.
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  });
}
