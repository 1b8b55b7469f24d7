// A real renderer crash, not a polite close: the tab's process dies (CDP Page.crash) while
// IndexedDB has not committed the last keystrokes, so only the localStorage journal can
// bring them back (docs/customer-app.md, "Drafts, outbox and offline use").
import { readFileSync } from 'node:fs';
import { test, expect, storedDrafts, config, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');

test.use({ locale: 'en-GB' });

test('a renderer crash while IndexedDB writes are held back loses no character', async ({ page, server, context }) => {
  // Writes to the drafts store are held back once `holdDrafts` is set: queued in memory,
  // never handed to IndexedDB, as if the browser had not got round to committing them.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    window.heldDraftWrites = [];
    IDBObjectStore.prototype.put = function (...args) {
      if (window.holdDrafts && this.name === 'drafts') {
        window.heldDraftWrites.push(args);
        return undefined;
      }
      return put.apply(this, args);
    };
  });
  await page.goto(server.url);
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('appliance')).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await page.getByLabel(m['field.full_name']).fill('Lin Xiaoyu');
  await expect(page.getByTestId('save-status')).toHaveText(m['autosave.saved']);
  await expect.poll(async () => (await storedDrafts(page)).map((d) => d.fields.full_name)).toEqual(['Lin Xiaoyu']);

  await page.evaluate(() => { window.holdDrafts = true; });
  const typed = '洗衣机脱水时剧烈震动，噪音很大 🌀🔊; drum hits the cabinet at 1200 rpm — 已经三天了 😟';
  await page.getByLabel(m['field.address']).click();
  await page.keyboard.type(typed);
  await expect(page.getByLabel(m['field.address'])).toHaveValue(typed);
  // The writes were asked for and held back: IndexedDB has none of it.
  await expect.poll(() => page.evaluate(() => window.heldDraftWrites.length)).toBeGreaterThan(0);
  expect((await storedDrafts(page)).map((d) => d.fields.address)).toEqual(['']);

  // The renderer dies at once: no unload, no pagehide, no chance to finish anything.
  const crashed = page.waitForEvent('crash');
  const cdp = await page.context().newCDPSession(page);
  cdp.send('Page.crash').catch(() => { /* the target is gone before it can answer */ });
  await crashed;

  const next = await context.newPage();
  await next.goto(server.url);
  await expect(next.getByLabel(m['field.address'])).toHaveValue(typed);
  await expect(next.getByLabel(m['field.full_name'])).toHaveValue('Lin Xiaoyu');
  // And the journal's copy reached IndexedDB at this start.
  await expect.poll(async () => (await storedDrafts(next)).map((d) => d.fields.address)).toEqual([typed]);
});
