// Browser end-to-end tests: Debian's Chromium driven by Playwright against the real intake
// server (debug build, one server and SQLite file per test, each on a free port) serving the
// release build of the app. Tests share nothing, so spec files run in parallel workers
// (E2E_WORKERS, 2 by default: the machines have two cores); a file's tests run in order.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.mjs/,
  outputDir: '../../target/e2e-results',
  fullyParallel: false,
  // A focused test (test.only) fails a CI run instead of quietly running alone; scripts/e2e.sh
  // sets CI and also fails on a skipped test or one that did not run.
  forbidOnly: !!process.env.CI,
  workers: Number(process.env.E2E_WORKERS || 2),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '../../target/e2e-report.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
    trace: 'off',
    // Service workers only where a test is about them (test.use({ serviceWorkers: 'allow' })):
    // elsewhere they would hide requests from page.route.
    serviceWorkers: 'block',
    screenshot: 'only-on-failure',
  },
});
