// The complete request: warranty rules, photos shrunk in the browser, the review page with
// its change links, the receipt — and an engineer's on-site report, in both languages.
import { test, expect, expectNoAxeViolations, walkToReview, noisyPng, messages, config, productName, fill, heading, signInStaff } from './fixtures.mjs';

const next = (page, m) => page.getByRole('button', { name: m['step.next'], exact: true }).click();
const daysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

test.describe('in English', () => {
  test.use({ locale: 'en-GB' });
  const m = messages.en;

  test('an in-warranty repair needs photos; a large photo is shrunk before it is sent', async ({ page, server }) => {
    const large = noisyPng(3000, 2000, 7);
    expect(large.length).toBeGreaterThan(config.photos.max_total_bytes);
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance', 'en')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await walkToReview(page, m, {
      name: 'Helen Zhou', phone: '13812345678', purchase: daysAgo(40),
      description: 'The fridge compressor clicks and the freezer stays at -2°C.',
      onContact: async () => {
        // What is kept and how long, where the customer gives it.
        await expect(page.getByText(fill(m['privacy.kept'], { months: config.privacy.retain_months }))).toBeVisible();
        await expectNoAxeViolations(page, 'contact step');
      },
      onProblem: async () => {
        await expect(page.locator('.warranty')).toContainText(m['warranty.in'].split('{date}')[0]);
        await next(page, m);
        const summary = page.locator('.error-summary');
        await expect(summary).toBeFocused();
        await expect(summary.getByRole('link')).toHaveText([m['error.photo_required']]);
        await expectNoAxeViolations(page, 'problem step without photos');
        await page.getByLabel(m['field.photos'], { exact: true }).setInputFiles([
          { name: 'fridge-back.png', mimeType: 'image/png', buffer: large },
          { name: 'label.png', mimeType: 'image/png', buffer: noisyPng(800, 600, 3) },
        ]);
        await expect(page.locator('.photos img')).toHaveCount(2, { timeout: 20_000 });
        await expect(summary).toHaveCount(0);
        await expectNoAxeViolations(page, 'problem step with photos');
      },
    });
    await expect(page.getByText(fill(m['review.photo_count'], { count: 2 }))).toBeVisible();
    await expectNoAxeViolations(page, 'review with photos');

    // A change link goes to its step and straight back.
    await page.getByRole('button', { name: fill(m['review.change_label'], { section: m['step.product'] }) }).click();
    await expect(heading(page)).toHaveText(m['step.product']);
    await page.getByLabel(m['field.model']).fill('BCD-452');
    await page.getByRole('button', { name: m['step.back_to_review'] }).click();
    await expect(heading(page)).toHaveText(m['step.review']);
    await expect(page.getByText('BCD-452')).toBeVisible();

    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 20_000 });
    const reference = (await page.getByTestId('reference').textContent()).trim();
    const photos = server.rows('SELECT bytes, width, height, length(data) FROM photos ORDER BY bytes DESC');
    expect(photos).toHaveLength(2);
    const [big, small] = photos;
    expect(Math.max(big[1], big[2])).toBe(config.photos.max_side_px);
    expect(big[0]).toBe(big[3]);
    expect(big[0] + small[0]).toBeLessThan(config.photos.max_total_bytes);
    expect(big[0]).toBeLessThan(large.length / 4);
    expect(Math.max(small[1], small[2])).toBe(800);
    expect(server.rows("SELECT reference, warranty, json_extract(details_json, '$.model') FROM requests"))
      .toEqual([[reference, 'in_warranty', 'BCD-452']]);
    console.log(`photos: ${large.length} B generated → ${big[0]} B stored (${big[1]}×${big[2]}); second ${small[0]} B`);

    // The receipt: a QR code of the status link, and a print layout without the app around it.
    await expect(page.locator('.status-qr img')).toBeVisible();
    await expectNoAxeViolations(page, 'confirmation with receipt');
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.masthead')).toBeHidden();
    await expect(page.getByRole('button', { name: m['confirm.print'] })).toBeHidden();
    await expect(page.getByTestId('reference')).toBeVisible();
    await page.screenshot({ path: 'target/e2e-results/receipt-print.png', fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    // Delivered: the photos need not stay on this device.
    await expect.poll(() => page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('shouhou');
      open.onsuccess = () => {
        const count = open.result.transaction('photos').objectStore('photos').count();
        count.onsuccess = () => { open.result.close(); resolve(count.result); };
      };
    }))).toBe(0);
  });

  test('a removed photo and a left screen give their previews back: no object URL outlives its photo', async ({ page, server }) => {
    // Counts object URLs as the page makes and revokes them.
    await page.addInitScript(() => {
      const live = (window.__liveUrls = new Set());
      const create = URL.createObjectURL.bind(URL);
      const revoke = URL.revokeObjectURL.bind(URL);
      URL.createObjectURL = (blob) => { const url = create(blob); live.add(url); return url; };
      URL.revokeObjectURL = (url) => { live.delete(url); revoke(url); };
    });
    const live = () => page.evaluate(() => [...window.__liveUrls].filter((u) => document.querySelector(`img[src="${u}"]`) === null).length);
    await page.goto(server.url);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance', 'en')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await walkToReview(page, m, {
      name: 'Helen Zhou', phone: '13812345678', purchase: daysAgo(40),
      description: 'The washing machine drum does not turn.',
      onProblem: async () => {
        await page.getByLabel(m['field.photos'], { exact: true }).setInputFiles([
          { name: 'a.png', mimeType: 'image/png', buffer: noisyPng(400, 300, 1) },
          { name: 'b.png', mimeType: 'image/png', buffer: noisyPng(400, 300, 2) },
        ]);
        await expect(page.locator('.photos img')).toHaveCount(2, { timeout: 20_000 });
        await page.getByRole('button', { name: fill(m['photos.remove'], { n: 1 }) }).click();
        await expect(page.locator('.photos img')).toHaveCount(1);
        // Every URL still alive belongs to a preview on screen.
        await expect.poll(live).toBe(0);
      },
    });
    // The review has no previews: the problem step's URLs went with it.
    await expect.poll(() => page.evaluate(() => window.__liveUrls.size)).toBe(0);
  });

  test('a return without an order number is stopped with the error summary', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await page.getByLabel(m['intent.return_exchange_refund']).check();
    await page.getByLabel(productName('appliance', 'en')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await page.getByLabel(m['field.full_name']).fill('Tom Li');
    await page.getByLabel(m['field.phone']).fill('13712345678');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.product']);
    await page.getByLabel(m['field.purchase_date']).fill(daysAgo(10));
    await next(page, m);
    const summary = page.locator('.error-summary');
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('link')).toHaveText([fill(m['error.required'], { field: m['field.order_number'] })]);
    await expect(heading(page)).toHaveText(m['step.product']);
    await expectNoAxeViolations(page, 'return without order number');
    await summary.getByRole('link').click();
    await expect(page.getByLabel(m['field.order_number'])).toBeFocused();
    await page.keyboard.type('JD-2026-7788');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.problem']);
  });
});

// The on-site report is an engineer's work: offered where staff take requests down.
test.describe('an engineer, where staff take requests down', () => {
  test.use({ locale: 'en-GB', configChanges: { mode: 'staff' } });
  const m = messages.en;

  test('an engineer files an on-site service report with measurements', async ({ page, server }) => {
    // In a staff session: the server refuses an anonymous on-site report.
    await signInStaff(page, server);
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await page.getByLabel(m['intent.onsite_report']).check();
    await page.getByLabel(productName('appliance', 'en')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await page.getByLabel(m['field.full_name']).fill('Manager Zhang');
    await page.getByLabel(m['field.company']).fill('Suzhou Machine Works');
    await page.getByLabel(m['field.phone']).fill('13912345678');
    await page.getByLabel(m['field.recorded_by']).fill('Engineer Li');
    await next(page, m);
    await page.getByLabel(m['field.serial_number']).fill('SN2407-88321');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.report']);
    await expect(page.getByText(fill(m['step.progress'], { current: 4, total: 5 }))).toBeVisible();
    await page.getByLabel(m['field.site']).fill('Plant 3, Suzhou Industrial Park');
    await page.getByLabel(m['field.installed_in']).fill('CNC lathe CK6140');
    await page.getByLabel(m['field.input_voltage']).fill('3800');
    await page.getByLabel(m['field.output_current']).fill('12,5');
    await page.getByLabel(m['field.description']).fill('Drive trips with OC1 at power-up.');
    await page.getByLabel(m['field.fault_cause']).fill('Output cable insulation damaged, short to earth.');
    await page.getByLabel(m['field.parts_used']).fill('IGBT module x1');
    await page.getByLabel(m['field.signoff_name']).fill('Manager Zhang');
    const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel(m['field.signoff_at']).fill(now);
    await page.getByLabel(m['field.arrival_at']).fill(now);
    await page.getByLabel(m['field.departure_at']).fill(now);
    await page.getByLabel(m['field.fault_code']).fill('OC1');
    await page.getByRole('radio', { name: m['result.needs_parts'], exact: true }).click();
    await next(page, m);
    const summary = page.locator('.error-summary');
    await expect(summary.getByRole('link')).toHaveText([
      fill(m['error.out_of_range'], { field: m['field.input_voltage'], min: 0, max: 1000, unit: 'V' }),
      m['error.signature_required'],
    ]);
    // The keyboard's way past the signature pad: "customer not present", and why.
    await page.getByRole('button', { name: m['signature.clear'] }).focus();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(m['field.customer_not_present'])).toBeFocused();
    await page.keyboard.press('Space');
    await page.getByLabel(m['field.not_present_reason']).fill('The plant manager was called away; the gatehouse logged our visit.');
    await expectNoAxeViolations(page, 'on-site report with errors');
    await page.getByLabel(m['field.input_voltage']).fill('380');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.review']);
    await expect(page.getByText('12,5 A')).toBeVisible();
    await expectNoAxeViolations(page, 'on-site report review');
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    expect(server.rows(`SELECT intent, json_extract(details_json, '$.recorded_by'), json_extract(details_json, '$.input_voltage'),
      json_extract(details_json, '$.output_current'), json_extract(details_json, '$.site'), json_extract(details_json, '$.signoff_at'),
      json_extract(details_json, '$.result'), json_extract(details_json, '$.fault_code'), json_extract(details_json, '$.customer_not_present') FROM requests`))
      .toEqual([['onsite_report', 'Engineer Li', '380', '12,5', 'Plant 3, Suzhou Industrial Park', now, 'needs_parts', 'OC1', 'yes']]);
  });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });
  const m = messages['zh-CN'];

  test('an out-of-warranty on-site visit shows the charge notice, which must be acknowledged', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance', 'zh-CN')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await walkToReview(page, m, {
      name: '刘洋', phone: '13612345678', purchase: '2019-05-20',
      description: '洗衣机脱水时剧烈晃动并报 E4。',
      choices: { resolution: 'onsite_visit' },
      onContact: async () => {
        await expect(page.getByText(fill(m['privacy.kept'], { months: config.privacy.retain_months }))).toBeVisible();
      },
      onProblem: async () => {
        await expect(page.getByText(fill(m['warranty.out'], { date: '2020-05-19' }))).toBeVisible();
        await expect(page.getByText(config.chargeable_service_notice['zh-CN'])).toBeVisible();
        await next(page, m);
        await expect(page.locator('.error-summary').getByRole('link')).toHaveText([m['error.not_acknowledged']]);
        await expectNoAxeViolations(page, 'charge notice not acknowledged');
        await page.getByLabel(m['field.charge_ack']).click();
        await expect(page.getByLabel(m['field.charge_ack'])).toBeChecked();
      },
    });
    // The address was left empty on the contact step: the review page catches it and its link
    // goes to that step, then back.
    await page.getByRole('button', { name: m['details.submit'] }).click();
    const summary = page.locator('.error-summary');
    await expect(summary.getByRole('link')).toHaveText([fill(m['error.required'], { field: m['field.address'] })]);
    await expectNoAxeViolations(page, 'review with errors');
    await summary.getByRole('link').click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await page.getByLabel(m['field.address']).fill('上海市闵行区莘庄工业区 88 号');
    await page.getByRole('button', { name: m['step.back_to_review'] }).click();
    await expect(heading(page)).toHaveText(m['step.review']);
    await expect(page.getByText(m['review.ack_yes'])).toBeVisible();
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    await expect(page.getByRole('button', { name: m['confirm.print'] })).toBeVisible();
    expect(server.rows(`SELECT warranty, json_extract(details_json, '$.charge_ack'), json_extract(details_json, '$.address'),
      json_extract(details_json, '$.resolution') FROM requests`))
      .toEqual([['out_of_warranty', 'yes', '上海市闵行区莘庄工业区 88 号', 'onsite_visit']]);
  });
});
