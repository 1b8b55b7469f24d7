// The screens the server draws from their address (the start step, guided help's offer, the
// form's first step) are the app's own components, usable before the app (wasm) arrives: a
// customer chooses, skips guided help and types with the app held back, and the app takes the
// page over (hydration) without losing a keystroke, the focus or a press.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, storedDrafts, appStarted, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
const zh = read('i18n/zh-CN.json');
const heading = (page) => page.getByRole('heading', { level: 1 });

/** Holds the app's wasm back until the returned function is called. */
async function holdTheApp(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/pkg/shouhou_bg.*.wasm', async (route) => { await released; await route.continue(); });
  return release;
}

/** From the start step to the form's first step the way a customer does it before the app:
 *  the start step's form, then guided help's "skip" link. */
async function toContactWithoutTheApp(page) {
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('network')).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await expect(heading(page)).toHaveText(m['flow.offer_heading']);
  await page.getByRole('link', { name: m['flow.skip'] }).click();
  await expect(heading(page)).toHaveText(m['step.contact']);
  // The address the link asked for, shown in the same document (boot.js follows the early
  // screens in place).
  await expect(page).toHaveURL(/\/form\/contact(\?intent=repair&product_line=network)?$/);
  // boot.js has run (it marks the page while the app is awaited): from here it keeps what the
  // customer does. A press before it runs is the browser's own, a GET of the same step.
  await expect(page.locator('html')).toHaveAttribute('data-app', /^(waiting|loading)$/);
}

const running = (page) => expect(page.locator('html')).toHaveAttribute('data-app', 'running');

test.describe('before the app has arrived', () => {
  test.use({ locale: 'en-GB', linesWithoutFlows: ['appliance'] });

  test('the start step, the offer and the form are the server\'s, axe-clean, and reached without the app', async ({ page, server }) => {
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await expectNoAxeViolations(page, 'the start step before the app');
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('network')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    await expectNoAxeViolations(page, 'the offer before the app');
    // Nothing of the app on the start step and the offer: their form and link need none.
    expect(fetched.filter((path) => path.startsWith('/pkg/'))).toEqual([]);
    await expect(page.locator('html')).toHaveAttribute('data-app', 'waiting');
    await page.getByRole('link', { name: m['flow.skip'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expectNoAxeViolations(page, 'the form before the app');
    // A line without guided help goes from the start step straight to the form.
    const response = await page.goto(`${server.url}/help?intent=repair&product_line=appliance`);
    await expect(heading(page)).toHaveText(m['step.contact']);
    expect(response.url()).toMatch(/\/form\/contact\?intent=repair&product_line=appliance$/);
  });

  test('the early screens follow one another in one document; Back and Forward show them as they were left', async ({ page, server }) => {
    await holdTheApp(page);
    await page.goto(server.url);
    await page.evaluate(() => { window.firstDocument = true; });
    const sameDocument = () => page.evaluate(() => window.firstDocument === true);
    // Nothing chosen: the server's answer, its error summary focused as at a page load.
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await expect(page.locator('.error-summary')).toBeFocused();
    await expect(page).toHaveURL(`${server.url}/help?`);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('network')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    await expect(heading(page)).toBeFocused();
    await expect(page).toHaveURL(`${server.url}/help?intent=repair&product_line=network`);
    await page.goBack();
    await expect(heading(page)).toHaveText(m['start.heading']);
    await expect(page.getByLabel(m['intent.repair'])).toBeChecked();
    await expect(page.getByLabel(productName('network'))).toBeChecked();
    await page.goBack();
    await expect(page).toHaveURL(`${server.url}/`);
    await expect(page.getByLabel(m['intent.repair'])).not.toBeChecked();
    await page.goForward();
    await page.goForward();
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    await expectNoAxeViolations(page, 'the offer shown again');
    // A place on this screen is the browser's own: "skip to main content" stays on it.
    await page.getByRole('link', { name: m['app.skip_to_main'] }).focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(`${server.url}/help?intent=repair&product_line=network#main`);
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    expect(await sameDocument()).toBe(true);
    await page.getByRole('link', { name: m['flow.skip'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(heading(page)).toBeFocused();
    await expect(page).toHaveURL(`${server.url}/form/contact?intent=repair&product_line=network`);
    expect(await sameDocument()).toBe(true);
    // What is typed here is kept for a reload at this screen's own address.
    await page.getByLabel(m['field.full_name']).fill('Sun Li');
    await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('shouhou.early'))?.path))
      .toBe('/form/contact?intent=repair&product_line=network');
    // The app is on its way (a text field's screen sends for it), holding this screen: Back
    // is the browser's own navigation from here.
    await expect(page.locator('html')).toHaveAttribute('data-app', 'loading');
    await page.goBack();
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    expect(await sameDocument()).toBe(false);
  });

  test('while the next screen is on its way the page says so, as a navigation would', async ({ page, server }) => {
    await holdTheApp(page);
    let answer;
    const answered = new Promise((resolve) => { answer = resolve; });
    // Held so the wait lasts; warming fetches the same address, and both wait.
    await page.route('**/help?*', async (route) => { await answered; await route.continue(); });
    await page.goto(server.url);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('network')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    const body = page.locator('body');
    await expect(body).toHaveAttribute('aria-busy', 'true');
    // The bar across the top (drawn by the stylesheet) and the pointer say it too.
    await expect.poll(() => page.evaluate(() => {
      const bar = getComputedStyle(document.body, '::before');
      return [bar.content, bar.position, getComputedStyle(document.body).cursor];
    })).toEqual(['""', 'fixed', 'progress']);
    await expect(heading(page)).toHaveText(m['start.heading']);
    answer();
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    await expect(body).not.toHaveAttribute('aria-busy', /./);
    await expectNoAxeViolations(page, 'the offer after a wait');
  });

  test('a line without guided help goes from the start step to the form in the same document', async ({ page, server }) => {
    await holdTheApp(page);
    await page.goto(server.url);
    await page.evaluate(() => { window.firstDocument = true; });
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    // The server's answer to /help for this line is the form's address (a redirect).
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(heading(page)).toBeFocused();
    await expect(page).toHaveURL(`${server.url}/form/contact?intent=repair&product_line=appliance`);
    expect(await page.evaluate(() => window.firstDocument)).toBe(true);
    await page.goBack();
    await expect(page).toHaveURL(`${server.url}/`);
    await expect(heading(page)).toHaveText(m['start.heading']);
  });

  test('typing while the app is held back is the draft once it takes over; focus and keys carry on', async ({ page, server }) => {
    const release = await holdTheApp(page);
    await page.goto(server.url);
    await toContactWithoutTheApp(page);
    await page.getByLabel(m['field.full_name']).fill('Li Lei');
    await page.locator('#f-address').pressSequentially('12 Garden Road');
    release();
    await running(page);
    // The same field, still focused: the next keys land where the first did.
    await page.keyboard.type(', Pudong');
    await expect(page.locator('#f-address')).toHaveValue('12 Garden Road, Pudong');
    await expect(page.locator('#f-address')).toBeFocused();
    await expect(page.locator('#f-address')).toHaveCount(1);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => [d.step, d.fields.intent, d.fields.product_line, d.fields.full_name, d.fields.address]))
      .toEqual([['contact', 'repair', 'network', 'Li Lei', '12 Garden Road, Pudong']]);
    // What boot.js kept for a reload is in the draft now, and goes.
    await expect.poll(() => page.evaluate(() => localStorage.getItem('shouhou.early'))).toBe(null);
    // The screens boot.js showed in this document are the app's history now: Back is its own.
    await page.evaluate(() => { window.firstDocument = true; });
    await page.goBack();
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    expect(await page.evaluate(() => window.firstDocument)).toBe(true);
  });

  test('a press made before the app is done by the app once it is here', async ({ page, server }) => {
    const release = await holdTheApp(page);
    await page.goto(server.url);
    await toContactWithoutTheApp(page);
    // "Continue" pressed with nothing filled in: kept, and done once the app is here.
    await page.getByRole('button', { name: m['step.next'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    release();
    await running(page);
    await expect(page.getByRole('heading', { name: m['errors.summary_title'] })).toBeVisible();
  });

  test('a press begun before the take-over and ended after it is the app\'s click', async ({ page, server }) => {
    const again = await holdTheApp(page);
    await page.goto(server.url);
    await toContactWithoutTheApp(page);
    await page.getByLabel(m['field.full_name']).fill('Han Mei');
    await page.getByLabel(m['field.phone']).fill('13812345678');
    const next = page.getByRole('button', { name: m['step.next'] });
    await next.scrollIntoViewIfNeeded();
    const box = await next.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    again();
    await running(page);
    await page.mouse.up();
    await expect(heading(page)).toHaveText(m['step.product']);
    await expect.poll(async () => (await storedDrafts(page)).find((d) => d.fields.full_name === 'Han Mei')?.step).toBe('product');
  });

  test('a reload before the app arrives gives back what was typed, and the app takes it over', async ({ page, server }) => {
    // Held across the reload: the app never arrives on the first page.
    const release = await holdTheApp(page);
    await page.goto(server.url);
    await toContactWithoutTheApp(page);
    await page.getByLabel(m['field.full_name']).fill('Wang Fang');
    // Kept by boot.js (a module: it may run just after a fast hand has typed).
    await expect.poll(() => page.evaluate(() => localStorage.getItem('shouhou.early'))).toContain('Wang Fang');
    await page.reload();
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Wang Fang');
    release();
    await appStarted(page);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => d.fields.full_name)).toEqual(['Wang Fang']);
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Wang Fang');
  });

  test('a fetch of the app cut short is tried again at the next focus in a text field', async ({ page, server }) => {
    let tries = 0;
    await page.route('**/pkg/shouhou.*.js', async (route) => {
      tries += 1;
      if (tries === 1) await route.abort('internetdisconnected');
      else await route.continue();
    });
    await page.goto(server.url);
    await toContactWithoutTheApp(page);
    await page.getByLabel(m['field.full_name']).focus();
    await expect.poll(() => tries).toBeGreaterThanOrEqual(1);
    await expect(page.locator('html')).toHaveAttribute('data-app', /waiting|running/);
    await page.getByLabel(m['field.phone']).focus();
    await running(page);
    expect(tries).toBe(2);
    await page.keyboard.type('13812345678');
    await expect.poll(async () => (await storedDrafts(page)).map((d) => d.fields.phone)).toEqual(['13812345678']);
  });

  test('the language switch pressed before the app switches once it is here, and the server draws that language next', async ({ page, server }) => {
    const release = await holdTheApp(page);
    await page.goto(server.url);
    await page.getByRole('button', { name: m['lang.switch'] }).click();
    await expect(heading(page)).toHaveText(m['start.heading']);
    release();
    await expect(heading(page)).toHaveText(zh['start.heading']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await page.unrouteAll();
    await holdTheApp(page);
    await page.goto(`${server.url}/help?intent=repair&product_line=network`);
    await expect(heading(page)).toHaveText(zh['flow.offer_heading']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  });
});

test.describe('a returning customer', () => {
  test.use({ locale: 'en-GB' });

  test('the bare address resumes the draft in progress; another request\'s screen offers it, never replaces it', async ({ page, server }) => {
    await page.goto(server.url);
    await toContactWithoutTheApp(page);
    await page.getByLabel(m['field.full_name']).fill('Zhao Lei');
    await running(page);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => d.fields.full_name)).toEqual(['Zhao Lei']);
    // Opening the site again: the draft where it was left.
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Zhao Lei');
    await expect(page).toHaveURL(/\/form\/contact$/);
    // Another request started from its own address: that one stays, the first is offered.
    await page.goto(`${server.url}/form/contact?intent=consultation&product_line=inverter`);
    await appStarted(page);
    const offer = page.getByRole('status').filter({ hasText: m['resume.offer'].split('{title}')[0].trim() });
    await expect(offer).toContainText(productName('network'));
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('');
    await page.getByRole('button', { name: m['resume.continue'] }).click();
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Zhao Lei');
    await expect(offer).toHaveCount(0);
  });
});
