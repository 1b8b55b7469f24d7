// First load: navigation -> first input usable (the first choice of the start step is on
// screen and enabled), cold cache, CPU slowed as given. Budget: <= 1000 ms at x4.
// Usage: node tests/bench/load.mjs [runs] [cpu-slowdown]
import { chromium } from '@playwright/test';
import { startServer, chromiumArgs, stats } from './serve.mjs';

const runs = Number(process.argv[2] || 7);
const slowdown = Number(process.argv[3] || 4);
const server = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
try {
  const usable = [], bytes = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
    await page.goto(server.url, { waitUntil: 'commit' });
    await page.locator('input[name=intent]').first().waitFor({ state: 'visible' });
    usable.push(await page.evaluate(() => performance.now()));
    bytes.push(await page.evaluate(() => performance.getEntriesByType('resource')
      .concat(performance.getEntriesByType('navigation'))
      .reduce((sum, e) => sum + (e.transferSize || 0), 0)));
    await context.close();
  }
  const s = stats(usable);
  console.log(`CPU slowdown x${slowdown}: navigation -> first input usable: median ${s.median.toFixed(0)} ms, ` +
    `p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (n=${s.n}; budget 1000 ms)`);
  console.log(`bytes over the wire (gzip, headers included): ${Math.max(...bytes)}`);
} finally {
  await browser.close();
  server.stop();
}
