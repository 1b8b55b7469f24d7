// The first screen does not wait for the app: the start step is usable from the page, the
// stylesheet, config.json and the messages alone, and what the customer does there before
// the app (wasm) has arrived is kept when it takes over.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, storedDrafts, appStarted, config, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
const zh = read('i18n/zh-CN.json');

/** Holds the app's wasm back until the returned function is called. */
async function holdTheApp(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/pkg/shouhou_bg.wasm', async (route) => { await released; await route.continue(); });
  return release;
}

test.describe('before the app has arrived', () => {
  test.use({ locale: 'en-GB' });

  test('the start step is usable, axe-clean, and a choice and "Continue" carry over', async ({ page, server }) => {
    const release = await holdTheApp(page);
    await page.goto(server.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['start.heading']);
    await expectNoAxeViolations(page, 'early start step');
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('car-service')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await expect(page.getByRole('button', { name: m['app.loading'] })).toBeVisible();
    release();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.contact']);
    await expect(page).toHaveURL(/\/form\/contact$/);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => [d.fields.intent, d.fields.product_line]))
      .toEqual([['repair', 'car-service']]);
    // One start screen at a time: the early one is gone.
    await expect(page.locator('#boot')).toHaveCount(0);
  });

  test('the focused choice and a language switch carry over; the choice shows again on return', async ({ page, server }) => {
    const release = await holdTheApp(page);
    await page.goto(server.url);
    await page.getByRole('button', { name: m['lang.switch'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(zh['start.heading']);
    await page.getByLabel(zh['intent.complaint']).check();
    await page.getByLabel(productName('online-order', 'zh-CN')).focus();
    release();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect.poll(async () => (await storedDrafts(page)).map((d) => d.fields.intent)).toEqual(['complaint']);
    await expect(page.locator('#boot')).toHaveCount(0);
    await expect(page.getByLabel(productName('online-order', 'zh-CN'))).toBeFocused();
    await expect(page.getByLabel(zh['intent.complaint'])).toBeChecked();

    // Next visit: the early screen already shows the draft's choice, in the chosen language.
    await page.unrouteAll();
    const again = await holdTheApp(page);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(zh['start.heading']);
    await expect(page.getByLabel(zh['intent.complaint'])).toBeChecked();
    again();
    await appStarted(page);
  });

  test('the app is fetched at the first touch or key, not before', async ({ page, server }) => {
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    await page.goto(server.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['start.heading']);
    // boot.js has decided: the app waits for the first use (it would fetch it at once with
    // something to send, on a kiosk or on another screen). Nothing of it was fetched.
    await expect(page.locator('#boot')).toHaveAttribute('data-app', 'on-first-use');
    expect(fetched.filter((path) => path.startsWith('/pkg/'))).toEqual([]);
    await page.getByLabel(m['intent.repair']).check();
    await expect.poll(() => fetched.includes('/pkg/shouhou_bg.wasm')).toBe(true);
    await expect(page.locator('#boot')).toHaveCount(0);
    await expect(page.getByLabel(m['intent.repair'])).toBeChecked();
  });

  test('a language switch pressed before the early screen is wired still switches', async ({ page, server }) => {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/config.json', async (route) => { await held; await route.continue(); });
    await page.goto(server.url);
    await page.getByRole('button', { name: m['lang.switch'] }).click();
    release();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(zh['start.heading']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  });

  test('a fetch of the app cut short is tried again at the next touch or key', async ({ page, server }) => {
    let tries = 0;
    await page.route('**/pkg/shouhou.js', async (route) => {
      tries += 1;
      if (tries === 1) await route.abort('internetdisconnected');
      else await route.continue();
    });
    await page.goto(server.url);
    await page.getByLabel(m['intent.repair']).check();
    await expect.poll(() => tries).toBe(1);
    // Still the early screen, still working; the next choice fetches the app again.
    await expect(page.locator('#boot')).toBeVisible();
    await page.getByLabel(productName('network')).check();
    await expect(page.locator('#boot')).toHaveCount(0);
    expect(tries).toBe(2);
    await expect(page.getByLabel(m['intent.repair'])).toBeChecked();
    await expect(page.getByLabel(productName('network'))).toBeChecked();
  });
});
