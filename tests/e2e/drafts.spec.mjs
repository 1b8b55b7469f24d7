// Many drafts on one device: the list, continue, duplicate, delete with undo, export and
// import with photos; and two tabs editing one draft without losing either tab's edit.
import { readFileSync } from 'node:fs';
import { test, expect, storedDrafts, storedRecords, expectNoAxeViolations, walkToReview, noisyPng, config, fill, heading, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
const next = (page) => page.getByRole('button', { name: m['step.next'], exact: true }).click();
const daysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const photoIds = (page) => page.evaluate(() => new Promise((resolve) => {
  const open = indexedDB.open('shouhou');
  open.onsuccess = () => {
    const keys = open.result.transaction('photos').objectStore('photos').getAllKeys();
    keys.onsuccess = () => { open.result.close(); resolve(keys.result); };
  };
}));

async function begin(page, intent, product) {
  await page.getByLabel(m[`intent.${intent}`]).check();
  // A complaint says what it is about on the start step.
  if (intent === 'complaint') await page.getByRole('radio', { name: m['category.quality'], exact: true }).check();
  await page.getByLabel(productName(product)).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await expect(heading(page)).toHaveText(m['step.contact']);
}

test.describe('my drafts', () => {
  test.use({ locale: 'en-GB', acceptDownloads: true });

  test('list, continue, duplicate, delete with undo, and export → delete → import with photos', async ({ page, server }, testInfo) => {
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    // Draft one: a repair with a photo, left on the problem step.
    await begin(page, 'repair', 'appliance');
    await page.getByLabel(m['field.full_name']).fill('Draft One');
    await page.getByLabel(m['field.phone']).fill('13812345678');
    await next(page);
    await page.getByLabel(m['field.purchase_date']).fill(daysAgo(30));
    await next(page);
    await page.getByLabel(m['field.description']).fill('Oven door glass cracked on first use.');
    await page.getByLabel(m['field.photos']).setInputFiles([{ name: 'glass.png', mimeType: 'image/png', buffer: noisyPng(640, 480, 5) }]);
    await expect(page.locator('.photos img')).toHaveCount(1);

    const drafts = page.locator('.draft-item');
    await page.getByRole('button', { name: m['drafts.link'] }).click();
    await expect(heading(page)).toHaveText(m['drafts.heading']);
    await expect(drafts).toHaveCount(1);
    await expect(drafts.first()).toContainText(`${m['intent.repair']} · ${productName('appliance')} · Oven door glass cracked`);
    await expect(drafts.first()).toContainText(fill(m['step.progress'], { current: 4, total: 5 }));
    await expect(drafts.first()).toContainText(fill(m['review.photo_count'], { count: 1 }));
    await expectNoAxeViolations(page, 'my drafts');

    // Draft two, started from the list; draft one stays.
    await page.getByRole('button', { name: m['drafts.new'] }).click();
    await begin(page, 'consultation', 'car-service');
    await page.getByLabel(m['field.full_name']).fill('Draft Two');
    await page.getByRole('button', { name: m['drafts.link'] }).click();
    await expect(drafts).toHaveCount(2);

    // Duplicate draft one: its photo is copied, not shared.
    await drafts.filter({ hasText: 'Oven door' }).getByRole('button', { name: m['drafts.duplicate'] }).click();
    await expect(page.getByText(m['drafts.copied'])).toBeVisible();
    await expect(drafts).toHaveCount(3);
    await expect.poll(async () => (await photoIds(page)).length).toBe(2);
    // Delete the copy, undo, delete again.
    const copy = drafts.filter({ hasText: 'Oven door' }).nth(0);
    await copy.getByRole('button', { name: m['drafts.delete'] }).click();
    await expect(page.getByText(m['drafts.deleted'])).toBeVisible();
    await expect(drafts).toHaveCount(2);
    await expectNoAxeViolations(page, 'a draft deleted, with undo');
    await page.getByRole('button', { name: m['drafts.undo'] }).click();
    await expect(drafts).toHaveCount(3);
    await drafts.filter({ hasText: 'Oven door' }).nth(0).getByRole('button', { name: m['drafts.delete'] }).click();
    await expect(drafts).toHaveCount(2);
    await expect.poll(async () => (await storedDrafts(page)).length).toBe(2);

    // Export everything to a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: m['drafts.export_all'] }).click()]);
    const file = testInfo.outputPath('drafts.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.format).toBe('shouhou-drafts');
    expect(exported.drafts.map((d) => d.fields.full_name).sort()).toEqual(['Draft One', 'Draft Two']);
    expect(exported.photos).toHaveLength(1);
    expect(exported.photos[0].data).toMatch(/^data:image\/jpeg;base64,/);
    const photoId = exported.photos[0].id;

    // A file that is not an export changes nothing.
    await page.getByLabel(m['drafts.import']).setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
    await expect(page.getByRole('alert')).toHaveText(m['import.error.not_an_export']);
    await expect(drafts).toHaveCount(2);

    // Delete both, then import the file: both come back, photo and all.
    // One after the other, as a customer sees each go: until the list is read again the deleted
    // draft is still there to press, and a second press on it deletes nothing more.
    await drafts.first().getByRole('button', { name: m['drafts.delete'] }).click();
    await expect(drafts).toHaveCount(1);
    await drafts.first().getByRole('button', { name: m['drafts.delete'] }).click();
    await expect(page.getByText(m['drafts.empty'])).toBeVisible();
    await expect.poll(async () => (await storedDrafts(page)).length).toBe(0);
    await page.getByLabel(m['drafts.import']).setInputFiles(file);
    await expect(page.getByText(fill(m['drafts.imported'], { count: 2 }))).toBeVisible();
    await expect(drafts).toHaveCount(2);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => d.fields.full_name).sort()).toEqual(['Draft One', 'Draft Two']);
    expect(await photoIds(page)).toContain(photoId);

    // Continue draft one where it was left, and send it with its photo.
    await drafts.filter({ hasText: 'Oven door' }).getByRole('button', { name: m['drafts.resume'] }).click();
    await expect(heading(page)).toHaveText(m['step.problem']);
    await expect(page.locator('.photos img')).toHaveCount(1);
    await page.getByRole('radio', { name: m['resolution.replacement'], exact: true }).click();
    await next(page);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    expect(server.rows('SELECT r.full_name, p.photo_id FROM requests r JOIN photos p ON p.request_id = r.id')).toEqual([['Draft One', photoId]]);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => d.fields.full_name)).toEqual(['Draft Two']);
  });
});

test.describe('two tabs on one draft', () => {
  test.use({ locale: 'en-GB' });

  test('an edit in one tab reaches the other; edits made at once are both kept, by the customer’s choice', async ({ page, server, context }) => {
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await begin(page, 'repair', 'appliance');
    await page.getByLabel(m['field.full_name']).fill('Li Lei');
    await expect.poll(async () => (await storedDrafts(page)).length).toBe(1);

    const other = await context.newPage();
    await other.goto(server.url);
    await expect(heading(other)).toHaveText(m['step.contact']);
    await expect(other.getByLabel(m['field.full_name'])).toHaveValue('Li Lei');

    // One tab after the other: each sees the other's edit, nothing to decide.
    await page.getByLabel(m['field.company']).fill('Hanmeimei Trading');
    await expect(other.getByLabel(m['field.company'])).toHaveValue('Hanmeimei Trading');
    await other.getByLabel(m['field.address']).fill('12 Garden Road');
    await expect(page.getByLabel(m['field.address'])).toHaveValue('12 Garden Road');
    await expect(page.locator('.conflict')).toHaveCount(0);

    // At once: the second tab's notice of the first tab's edit is held back (as by a busy
    // tab) until it has made its own edit.
    await other.evaluate(() => {
      const real = Object.getOwnPropertyDescriptor(StorageEvent.prototype, 'newValue').get;
      window.__held = [];
      window.__holding = true;
      Object.defineProperty(StorageEvent.prototype, 'newValue', {
        configurable: true,
        get() {
          const value = real.call(this);
          if (!window.__holding || !this.isTrusted) return value;
          if (!window.__held.some((held) => held.newValue === value)) window.__held.push({ key: this.key, newValue: value });
          return null;
        },
      });
    });
    await page.getByLabel(m['field.phone']).fill('13912345678');
    await expect.poll(() => other.evaluate(() => window.__held.length)).toBeGreaterThan(0);
    await other.getByLabel(m['field.phone']).fill('13700000000');
    await other.getByRole('textbox', { name: m['field.email'] }).fill('lilei@example.com');
    await other.evaluate(() => {
      window.__holding = false;
      for (const held of window.__held) window.dispatchEvent(new StorageEvent('storage', held));
    });

    // The second tab asks, answer by answer; the first tab too (it saw the second's edit).
    const conflict = other.locator('.conflict');
    await expect(conflict.getByRole('heading', { name: m['conflict.heading'] })).toBeVisible();
    await expect(conflict.getByRole('group')).toHaveText([/Phone/, /Email/]);
    await expectNoAxeViolations(other, 'conflict between tabs');
    await conflict.getByRole('radio', { name: fill(m['conflict.other_tab'], { value: '13912345678' }) }).check();
    await conflict.getByRole('button', { name: m['conflict.keep_chosen'] }).click();
    await expect(conflict).toHaveCount(0);
    await expect(other.getByLabel(m['field.phone'])).toHaveValue('13912345678');
    await expect(other.getByRole('textbox', { name: m['field.email'] })).toHaveValue('lilei@example.com');

    // The resolution has seen both tabs' edits: the first tab simply takes it.
    await expect(page.getByRole('textbox', { name: m['field.email'] })).toHaveValue('lilei@example.com');
    await expect(page.getByLabel(m['field.phone'])).toHaveValue('13912345678');
    await expect(page.locator('.conflict')).toHaveCount(0);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => [d.fields.full_name, d.fields.company, d.fields.address, d.fields.phone, d.fields.email]))
      .toEqual([['Li Lei', 'Hanmeimei Trading', '12 Garden Road', '13912345678', 'lilei@example.com']]);
  });
});

test.describe('my drafts by keyboard alone', () => {
  test.use({ locale: 'en-GB' });

  test('open the list, start another request and come back to the first', async ({ page, server }) => {
    /** Presses Tab until the focused element matches `selector` and reads `text`. */
    const tabTo = async (selector, text) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const reached = await page.evaluate(([s, t]) => document.activeElement?.matches(s) && document.activeElement.textContent.trim() === t, [selector, text]);
        if (reached) return;
      }
      throw new Error(`Tab never reached ${selector} "${text}"`);
    };
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await begin(page, 'complaint', 'car-service');
    await page.getByLabel(m['field.full_name']).fill('Keyboard Kate');
    await expect.poll(async () => (await storedDrafts(page)).length).toBe(1);

    await page.locator('body').focus();
    await tabTo('header button', m['drafts.link']);
    await page.keyboard.press('Enter');
    await expect(heading(page)).toHaveText(m['drafts.heading']);
    await expect(heading(page)).toBeFocused();
    await tabTo('button', m['drafts.new']);
    await page.keyboard.press('Enter');
    await expect(heading(page)).toHaveText(m['start.heading']);

    await page.locator('body').focus();
    await tabTo('header button', m['drafts.link']);
    await page.keyboard.press('Enter');
    await tabTo('.draft-item button', m['drafts.resume']);
    await page.keyboard.press('Enter');
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Keyboard Kate');
  });
});
