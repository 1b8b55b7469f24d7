// The product archive (产品档案): a customer looks their product up by serial number and the
// form fills itself from the records (warranty judged from the archive, 三包 said); a lead
// previews an import by keyboard alone — every refused row by its line — corrects the file
// and imports it; axe on every screen, both languages.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, addStaff, messages, productName, fill, heading, noisyPng, tabTo } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
const desk = { en: read('dist/desk/i18n/en.json'), 'zh-CN': read('dist/desk/i18n/zh-CN.json') };
const PASSWORD = 'correct horse battery staple';
const daysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

const HEADER = 'serial_number,product_line,model,configuration,produced_on,delivered_on,warranty_months,owner';

/** Signs `login` in through the staff API and imports `csv`; the import's answer. */
async function importThroughApi(request, server, login, csv, dryRun = false) {
  const signIn = await request.post(`${server.url}/api/v1/staff/session`, { data: { login, password: PASSWORD } });
  expect(signIn.status()).toBe(204);
  const answer = await request.post(`${server.url}/api/v1/staff/products/import?dry_run=${dryRun}`, {
    headers: { 'Content-Type': 'text/csv' }, data: csv,
  });
  expect(answer.status()).toBe(200);
  return answer.json();
}

for (const [locale, lang] of [['en-GB', 'en'], ['zh-CN', 'zh-CN']]) {
  test.describe(`in ${lang}`, () => {
    test.use({ locale });
    const m = messages[lang];
    const d = desk[lang];

    test('the customer looks the product up: line, model and warranty come from the archive', async ({ page, server, request }) => {
      addStaff(server, 'lina', 'lead', PASSWORD);
      // Delivered 10 days ago: in warranty, and within 三包's 15-day exchange.
      const imported = await importThroughApi(request, server, 'lina',
        `${HEADER}\nfr-2026-0042,appliance,BCD-470W,,${daysAgo(40)},${daysAgo(10)},,北京朝阳分店\n`);
      expect(imported).toMatchObject({ rows: 1, imported: 1, updated: 0, errors: [] });

      await page.goto(server.url);
      await page.getByLabel(m['intent.repair']).check();
      // The customer picks the wrong line: the archive knows better.
      await page.getByLabel(productName('network', lang)).check();
      await page.getByRole('button', { name: m['start.continue'] }).click();
      // The network line has guided checks: skipped, straight to the form.
      await page.getByRole('link', { name: m['flow.skip'] }).click();
      await expect(heading(page)).toHaveText(m['step.contact']);
      await page.getByLabel(m['field.full_name']).fill('Wu Min');
      await page.getByLabel(m['field.phone']).fill('13812345678');
      await page.getByRole('button', { name: m['step.next'], exact: true }).click();
      await expect(heading(page)).toHaveText(m['step.product']);

      // Asked before a serial is typed, the look-up says what it needs.
      const lookUp = page.getByRole('button', { name: m['lookup.button'] });
      await lookUp.click();
      await expect(page.locator('.lookup-result')).toHaveText(m['lookup.serial_first']);
      // An unknown serial: not found, and the form asks for the purchase date as before.
      await page.getByLabel(m['field.serial_number']).fill('NOPE-1');
      await lookUp.click();
      await expect(page.locator('.lookup-result')).toHaveText(m['lookup.not_found']);
      // The real one, typed as a customer would (lower case, spaces around): found.
      await page.getByLabel(m['field.serial_number']).fill(' fr-2026-0042 ');
      await lookUp.focus();
      await page.keyboard.press('Enter');
      await expect(page.locator('.lookup-result')).toHaveText(
        fill(m['lookup.found'], { line: productName('appliance', lang), model: 'BCD-470W' }));
      await expect(page.getByLabel(m['field.model'])).toHaveValue('BCD-470W');
      await expect(page.locator('.chosen')).toContainText(productName('appliance', lang));
      await expect(page.locator('.warranty')).toContainText(m['warranty.from_record']);
      await expectNoAxeViolations(page, 'product step after the look-up');

      // No purchase date is needed now; the problem step says what 三包 gives.
      await page.getByRole('button', { name: m['step.next'], exact: true }).click();
      await expect(heading(page)).toHaveText(m['step.problem']);
      await expect(page.locator('.rights')).toContainText(m['three_guarantees.title']);
      await expectNoAxeViolations(page, 'problem step with the three guarantees');

      // What the server keeps was judged from its own archive, not from anything sent.
      await page.getByLabel(m['field.description']).fill('The fridge no longer cools at all.');
      await page.getByRole('radio', { name: m['resolution.repair'], exact: true }).click();
      await page.getByLabel(m['field.photos']).setInputFiles([{ name: 'fridge.png', mimeType: 'image/png', buffer: noisyPng(320, 240, 2) }]);
      await expect(page.locator('.photos img')).toHaveCount(1, { timeout: 20_000 });
      await page.getByRole('button', { name: m['step.next'], exact: true }).click();
      await expect(heading(page)).toHaveText(m['step.review']);
      await page.getByRole('button', { name: m['details.submit'] }).click();
      await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 20_000 });
      // No purchase date was given: in warranty only by the archive's delivery date.
      const [[warranty, line, purchase]] = server.rows(
        "SELECT warranty, product_line, json_extract(details_json, '$.purchase_date') FROM requests");
      expect([warranty, line, purchase]).toEqual(['in_warranty', 'appliance', null]);
    });

    test('a lead previews an import by keyboard, sees every refused row by its line, corrects it and imports', async ({ page, server }) => {
      addStaff(server, 'lina', 'lead', PASSWORD);
      await page.goto(`${server.url}/desk/`);
      await page.getByLabel(d['signin.login']).fill('lina');
      await page.getByLabel(d['signin.password']).fill(PASSWORD);
      await page.keyboard.press('Enter');
      await expect(heading(page)).toHaveText(d['inbox.heading']);

      // To the archive by keyboard.
      const nav = page.getByRole('link', { name: d['nav.products'] });
      await tabTo(page, nav);
      await page.keyboard.press('Enter');
      await expect(heading(page)).toHaveText(d['products.heading']);
      await expectNoAxeViolations(page, 'product archive');

      // A file with two bad rows: an unknown line on line 3, a date that is no date on line 4.
      const bad = [HEADER, 'INV-1,inverter,ACS580,7.5 kW,2025-01-02,2025-02-01,24,苏州精工',
        'X-2,toaster,T1,,,,,', 'INV-3,inverter,ACS580,,2025-13-01,,,'].join('\n');
      const file = page.getByLabel(d['products.file']);
      await tabTo(page, file);
      await file.setInputFiles({ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await tabTo(page, page.getByRole('button', { name: d['products.preview'] }));
      await page.keyboard.press('Enter');
      await expect(page.locator('.import-outcome')).toContainText(fill(d['products.preview_errors'], { count: 2 }));
      const refused = page.locator('.import-outcome table tbody tr');
      await expect(refused).toHaveCount(2);
      await expect(refused.nth(0).locator('th')).toHaveText('3');
      await expect(refused.nth(1).locator('th')).toHaveText('4');
      await expect(page.getByRole('button', { name: d['products.import_submit'] })).toHaveCount(0);
      await expectNoAxeViolations(page, 'import preview with refused rows');
      expect(server.rows('SELECT count(*) FROM products')).toEqual([[0]]);

      // Corrected: a clean preview, then the import.
      const good = [HEADER, 'INV-1,inverter,ACS580,7.5 kW,2025-01-02,2025-02-01,24,苏州精工',
        'INV-3,inverter,ACS580,,2025-01-03,,,'].join('\n');
      await tabTo(page, file);
      await file.setInputFiles({ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await tabTo(page, page.getByRole('button', { name: d['products.preview'] }));
      await page.keyboard.press('Enter');
      await expect(page.locator('.import-outcome')).toContainText(d['products.preview_ok']);
      await expect(page.locator('.import-outcome')).toContainText(fill(d['products.summary'], { rows: 2, imported: 2, updated: 0 }));
      expect(server.rows('SELECT count(*) FROM products')).toEqual([[0]]);
      await tabTo(page, page.getByRole('button', { name: d['products.import_submit'] }));
      await page.keyboard.press('Enter');
      await expect(page.locator('.import-outcome')).toContainText(d['products.imported']);
      expect(server.rows('SELECT serial_number, owner FROM products ORDER BY serial_number'))
        .toEqual([['INV-1', '苏州精工'], ['INV-3', '']]);
      await expectNoAxeViolations(page, 'import done');
    });
  });
}
