// Autosave latency: from a keystroke's beforeinput event to (a) the change in the synchronous
// localStorage journal and (b) IndexedDB's commit of it, read from the app's performance marks.
// Usage: node tests/bench/autosave.mjs [keystrokes] [cpu-slowdown]
import { chromium } from '@playwright/test';
import { startServer, chromiumArgs, stats } from './serve.mjs';

const keystrokes = Number(process.argv[2] || 60);
const slowdown = Number(process.argv[3] || 1);
const server = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
try {
  const page = await browser.newPage({ locale: 'en-GB' });
  const cdp = await page.context().newCDPSession(page);
  await page.goto(server.url);
  await page.locator('#f-intent-repair').check();
  await page.locator('#f-product_line-appliance').check(); // a line without a flow: straight to the form
  await page.locator('button[type=submit]').click();
  // The first form step's free-text field: every keystroke is saved wherever it is typed.
  await page.locator('#f-address').click();
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  await page.evaluate(() => {
    window.__keydowns = [];
    document.addEventListener('beforeinput', () => window.__keydowns.push(performance.now()), true);
  });
  const journal = [], committed = [];
  for (let i = 0; i < keystrokes; i++) {
    const chars = [...'变频器OC1过流abc'];
    await page.keyboard.type(chars[i % chars.length]);
    const [j, c] = await page.evaluate(async () => {
      const down = window.__keydowns[window.__keydowns.length - 1];
      const latest = (name) => performance.getEntriesByName(name).map((e) => e.startTime).filter((t) => t >= down)[0];
      for (let tries = 0; tries < 400 && latest('shouhou:committed') === undefined; tries++) {
        await new Promise((r) => setTimeout(r, 1));
      }
      return [latest('shouhou:journalled') - down, latest('shouhou:committed') - down];
    });
    journal.push(j); committed.push(c);
    await page.waitForTimeout(30);
  }
  const fmt = (s) => `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.n})`;
  console.log(`CPU slowdown x${slowdown}`);
  console.log(`keystroke -> localStorage journal: ${fmt(stats(journal))}`);
  console.log(`keystroke -> IndexedDB committed: ${fmt(stats(committed))}   (budget 20 ms)`);
} finally {
  await browser.close();
  server.stop();
}
