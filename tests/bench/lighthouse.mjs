// Lighthouse (mobile preset, its own simulated throttling) against the release build served
// by the intake server: performance score, TBT, TTI and LCP, and accessibility, median of
// `runs`. A cold profile each run. Budgets (ENGINEERING.md): performance >= 97, TBT <= 100 ms,
// TTI and LCP <= 1500 ms, accessibility 100. Scores move with CPU load: compare in one run.
// Usage: node tests/bench/lighthouse.mjs [runs]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { root, startServer, chromiumArgs } from './serve.mjs';

const run = promisify(execFile);
const runs = Number(process.argv[2] || 3);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const server = await startServer();
try {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'shouhou-lh-'));
    const out = path.join(dir, 'report.json');
    await run(path.join(root, 'node_modules/.bin/lighthouse'), [
      server.url,
      `--chrome-flags=--headless=new ${chromiumArgs.join(' ')} --user-data-dir=${path.join(dir, 'profile')}`,
      '--only-categories=performance,accessibility', '--output=json', `--output-path=${out}`, '--quiet',
    ], { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, maxBuffer: 64 << 20 });
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const value = (id) => report.audits[id]?.numericValue ?? NaN;
    samples.push({
      performance: report.categories.performance.score * 100,
      accessibility: report.categories.accessibility.score * 100,
      tbt: value('total-blocking-time'), tti: value('interactive'), lcp: value('largest-contentful-paint'),
    });
    rmSync(dir, { recursive: true, force: true });
  }
  const m = (key) => median(samples.map((s) => s[key]));
  console.log(`Lighthouse (mobile, median of ${runs}): performance ${m('performance').toFixed(0)}, ` +
    `TBT ${m('tbt').toFixed(0)} ms, TTI ${m('tti').toFixed(0)} ms, LCP ${m('lcp').toFixed(0)} ms, ` +
    `accessibility ${m('accessibility').toFixed(0)} ` +
    `(budgets: >= 97, <= 100 ms, <= 1500 ms, <= 1500 ms, 100)`);
} finally {
  server.stop();
}
