// A form that speaks like a good service desk: "I don't know the purchase date", the emergency
// contact at once, an apology with a definite reply time, the storage notice only when it
// matters, a 补发 for a lost parcel, and an engineer's report signed on the screen.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, storedDrafts, messages, config, productName, fill, heading, addStaff, afterTwoFrames, signInStaff } from './fixtures.mjs';

// The desk's tables as built (its own words and those it takes from the app's tables).
const desk = Object.fromEntries(['en', 'zh-CN'].map((lang) =>
  [lang, JSON.parse(readFileSync(new URL(`../../dist/desk/i18n/${lang}.json`, import.meta.url), 'utf8'))]));

const next = (page, m) => page.getByRole('button', { name: m['step.next'], exact: true }).click();
const locales = { en: 'en-GB', 'zh-CN': 'zh-CN' };

async function begin(page, server, m, lang, intent, line) {
  await page.goto(server.url);
  await expect(heading(page)).toHaveText(m['start.heading']);
  await page.getByLabel(m[`intent.${intent}`]).check();
  await page.getByLabel(productName(line, lang)).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await expect(heading(page)).toHaveText(m['step.contact']);
}

for (const lang of ['zh-CN', 'en']) {
  test.describe(`in ${lang}`, () => {
    test.use({ locale: locales[lang] });
    const m = messages[lang];

    test('"I don\'t know the purchase date": sent with warranty to be checked from the serial number', async ({ page, server }) => {
      await begin(page, server, m, lang, 'repair', 'appliance');
      await page.getByLabel(m['field.full_name']).fill('王建国');
      await page.getByLabel(m['field.phone']).fill('13812345678');
      await next(page, m);
      await expect(heading(page)).toHaveText(m['step.product']);
      await page.getByLabel(m['field.purchase_date_unknown']).check();
      await expect(page.getByLabel(m['field.purchase_date'])).toHaveCount(0);
      await next(page, m);
      const summary = page.locator('.error-summary');
      await expect(summary).toBeFocused();
      await expect(summary.getByRole('link')).toHaveText([fill(m['error.required'], { field: m['field.serial_number'] })]);
      await page.getByLabel(m['field.serial_number']).fill('SN2407-88321');
      await expect(page.locator('.warranty')).toContainText('SN2407-88321');
      await expectNoAxeViolations(page, 'purchase date unknown');
      await next(page, m);
      await expect(heading(page)).toHaveText(m['step.problem']);
      await page.getByLabel(m['field.description']).fill('冰箱压缩机一直咔哒响，冷冻室只有零下 2 度。');
      await page.getByRole('radio', { name: m['resolution.repair'], exact: true }).click();
      // Not "how urgent is it" (everyone says urgent): how it affects them.
      await expect(page.getByRole('radio', { name: m['priority.urgent'], exact: true })).toHaveCount(0);
      await page.getByRole('radio', { name: m['usable.no'], exact: true }).click();
      await page.getByRole('radio', { name: m['danger.no'], exact: true }).click();
      await expect(page.locator('.notice-emergency')).toHaveCount(0);
      // No photo is asked for while the warranty is to be checked.
      await expect(page.getByText(m['warranty.photos_needed'])).toHaveCount(0);
      await next(page, m);
      await expect(heading(page)).toHaveText(m['step.review']);
      await page.getByRole('button', { name: m['details.submit'] }).click();
      await expect(heading(page)).toHaveText(m['confirm.heading']);
      await expect(page.locator('.apology')).toHaveText(m['confirm.apology']);
      await expect(page.locator('.reply-by')).toContainText(m['confirm.reply_by'].split('{time}')[0].trim());
      await expectNoAxeViolations(page, 'confirmation with apology');
      const [[warranty, json, created, replyBy]] = server.rows('SELECT warranty, request_json, created_at, reply_by FROM requests');
      expect(warranty).toBe('to_be_checked');
      expect(server.rows('SELECT priority FROM requests')).toEqual([['high']]);
      expect(JSON.parse(json).warranty).toEqual({ to_be_checked: { serial_number: 'SN2407-88321' } });
      expect(Date.parse(replyBy)).toBeGreaterThan(Date.parse(created));
    });

    test('saying someone is in danger shows the emergency contact at once and makes the request urgent', async ({ page, server }) => {
      await begin(page, server, m, lang, 'repair', 'appliance');
      await page.getByLabel(m['field.full_name']).fill('王建国');
      await page.getByLabel(m['field.phone']).fill('13812345678');
      await next(page, m);
      await page.getByLabel(m['field.purchase_date']).fill('2020-03-01');
      await next(page, m);
      await page.getByLabel(m['field.description']).fill('电饭煲插头处冒烟，有焦糊味。');
      await page.getByRole('radio', { name: m['resolution.repair'], exact: true }).click();
      await page.getByRole('radio', { name: m['usable.yes'], exact: true }).click();
      await page.getByRole('radio', { name: m['danger.yes'], exact: true }).click();
      await expect(page.locator('.notice-emergency').getByRole('link', { name: config.emergency_contact.phone })).toBeVisible();
      await expectNoAxeViolations(page, 'danger answered');
      await next(page, m);
      await page.getByRole('button', { name: m['details.submit'] }).click();
      await expect(heading(page)).toHaveText(m['confirm.heading']);
      expect(server.rows('SELECT priority FROM requests')).toEqual([['urgent']]);
    });

    test('choosing the emergency category shows the emergency contact at once, on the same screen', async ({ page, server }) => {
      // A complaint's category is asked with it, on the start step.
      await page.goto(server.url);
      await expect(heading(page)).toHaveText(m['start.heading']);
      await page.getByLabel(m['intent.complaint']).check();
      await expect(page.locator('.notice-emergency')).toHaveCount(0);
      await page.getByRole('radio', { name: m['category.emergency'], exact: true }).click();
      const alert = page.locator('.notice-emergency');
      await expect(alert).toBeVisible();
      await expect(heading(page)).toHaveText(m['start.heading']);
      await expect(alert.getByRole('link', { name: config.emergency_contact.phone })).toHaveAttribute('href', 'tel:4000001234');
      await expect(alert).toContainText(config.emergency_contact.note[lang]);
      await expectNoAxeViolations(page, 'emergency category chosen');
      // And on every step after it.
      await page.getByLabel(productName('appliance', lang)).check();
      await page.getByRole('button', { name: m['start.continue'] }).click();
      await expect(heading(page)).toHaveText(m['step.contact']);
      await expect(alert.getByRole('link', { name: config.emergency_contact.phone })).toBeVisible();
    });
  });
}

test.describe('the storage notice', () => {
  test.use({ locale: 'en-GB' });
  const m = messages.en;

  test('is not shown on a first visit, only once a draft has waited more than a day', async ({ page, server }) => {
    await page.addInitScript(() => {
      window.quotaReads = 0;
      navigator.storage.persisted = async () => false;
      navigator.storage.persist = async () => false;
      navigator.storage.estimate = async () => {
        window.quotaReads += 1;
        return { usage: 1_000, quota: 100_000_000 };
      };
    });
    await begin(page, server, m, 'en', 'repair', 'appliance');
    await page.getByLabel(m['field.full_name']).fill('Helen Zhou');
    await expect.poll(async () => (await storedDrafts(page)).length).toBe(1);
    // Persistence was refused and the app has read the quota, and two frames have been drawn
    // since: it has decided, and on a first visit the notice is not shown.
    await expect.poll(() => page.evaluate(() => window.quotaReads)).toBeGreaterThan(0);
    await page.evaluate(afterTwoFrames);
    await expect(page.getByText(m['storage.not_persistent'])).toHaveCount(0);
    // Two days later, the same draft is still waiting.
    await page.addInitScript(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 2 * 86_400_000;
    });
    await page.reload();
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Helen Zhou');
    await expect(page.getByText(m['storage.not_persistent'])).toBeVisible();
    await expectNoAxeViolations(page, 'storage notice');
  });
});

test.describe('an engineer on site', () => {
  // The on-site report is staff work: offered where staff take requests down.
  test.use({ locale: 'zh-CN', configChanges: { mode: 'staff' } });
  const m = messages['zh-CN'];

  test('the customer signs on the canvas; the report goes with the signature image and prints it', async ({ page, server }, testInfo) => {
    // The report is filed in a staff session (anonymously the server refuses it).
    await signInStaff(page, server);
    // A line with a flow: an engineer reporting a visit goes straight to the form.
    await begin(page, server, m, 'zh-CN', 'onsite_report', 'inverter');
    await page.getByLabel(m['field.full_name']).fill('张厂长');
    await page.getByLabel(m['field.phone']).fill('13912345678');
    await page.getByLabel(m['field.recorded_by']).fill('李工');
    await next(page, m);
    await page.getByLabel(m['field.serial_number']).fill('INV-7K5-0042');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.report']);
    const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel(m['field.site']).fill('苏州工业园区 3 号厂房');
    await page.getByLabel(m['field.arrival_at']).fill(now);
    await page.getByLabel(m['field.departure_at']).fill(now);
    await page.getByLabel(m['field.fault_code']).fill('OC1');
    await page.getByLabel(m['field.description']).fill('变频器上电即报 OC1 过流。');
    await page.getByLabel(m['field.fault_cause']).fill('输出侧电缆绝缘破损，对地短路。');
    await page.getByRole('radio', { name: m['result.fixed'], exact: true }).click();
    await page.getByLabel(m['field.customer_comment']).fill('工程师处理及时。');
    await page.getByLabel(m['field.signoff_name']).fill('张厂长');
    await page.getByLabel(m['field.signoff_at']).fill(now);
    await next(page, m);
    const summary = page.locator('.error-summary');
    await expect(summary.getByRole('link')).toHaveText([m['error.signature_required']]);
    await expectNoAxeViolations(page, 'report without a signature');

    // The customer signs with the pointer: two strokes.
    const pad = page.getByRole('img', { name: new RegExp(m['field.signature']) });
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    const signatureNow = async () => (await storedDrafts(page))[0].fields.signature;
    for (const [from, to] of [[[0.1, 0.6], [0.45, 0.3]], [[0.5, 0.7], [0.9, 0.4]]]) {
      const before = await signatureNow();
      await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
      await page.mouse.down();
      for (let step = 1; step <= 8; step++) {
        const f = step / 8;
        await page.mouse.move(box.x + box.width * (from[0] + (to[0] - from[0]) * f), box.y + box.height * (from[1] + (to[1] - from[1]) * f));
      }
      await page.mouse.up();
      // Each stroke stores the whole drawing anew, in place of the one before.
      await expect.poll(signatureNow).not.toBe(before);
    }
    await expect(page.getByTestId('signature-status')).toHaveText(m['signature.signed']);
    await expect.poll(async () => (await storedDrafts(page))[0].fields.photos.filter((p) => p.content_type === 'image/png').length).toBe(1);
    const [draft] = await storedDrafts(page);
    expect(draft.fields.signature).toBe(draft.fields.photos[0].id);
    await expectNoAxeViolations(page, 'report signed');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.review']);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    await expect(page.getByTestId('receipt-signature')).toBeVisible();
    const [[photoId, type, bytes, magic]] = server.rows('SELECT photo_id, content_type, bytes, hex(substr(data, 1, 8)) FROM photos');
    expect([photoId, type, magic]).toEqual([draft.fields.signature, 'image/png', '89504E470D0A1A0A']);
    expect(bytes).toBeGreaterThan(200);
    expect(server.rows("SELECT json_extract(details_json, '$.signature'), json_extract(details_json, '$.result') FROM requests"))
      .toEqual([[draft.fields.signature, 'fixed']]);
    await expectNoAxeViolations(page, 'report receipt with signature');
    const reference = (await page.getByTestId('reference').textContent()).trim();

    // The desk shows the report as the engineer filled it in, with the signature, in both languages.
    // A colleague at the desk on another computer: not the engineer's session.
    await page.context().clearCookies();
    addStaff(server, 'wangfang', 'agent', 'correct horse battery staple');
    await page.goto(`${server.url}/desk/`);
    const zh = desk['zh-CN'];
    await page.getByLabel(zh['signin.login']).fill('wangfang');
    await page.getByLabel(zh['signin.password']).fill('correct horse battery staple');
    await page.getByRole('button', { name: zh['signin.submit'] }).click();
    await page.getByRole('link', { name: reference }).click();
    await expect(heading(page)).toHaveText(fill(zh['request.heading'], { reference }));
    for (const [lang, d] of [['zh-CN', zh], ['en', desk.en]]) {
      const report = page.getByRole('region', { name: d['request.report'] });
      await expect(report).toBeVisible();
      const value = (key) => report.locator('dt', { hasText: d[key] }).locator('xpath=following-sibling::dd[1]');
      await expect(value('field.site')).toHaveText('苏州工业园区 3 号厂房');
      await expect(value('field.arrival_at')).toHaveText(now.replace('T', ' '));
      await expect(value('field.departure_at')).toHaveText(now.replace('T', ' '));
      await expect(value('field.fault_code')).toHaveText('OC1');
      await expect(value('field.result')).toHaveText(d['result.fixed']);
      await expect(value('field.customer_comment')).toHaveText('工程师处理及时。');
      await expect(value('field.signoff_name')).toHaveText('张厂长');
      const signature = report.getByRole('img', { name: d['request.signature_alt'] });
      await expect(signature).toHaveAttribute('src', `/api/v1/staff/requests/${reference}/photos/${draft.fields.signature}`);
      await expect.poll(() => signature.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
      // The signature is not shown again among the photos.
      await expect(page.getByRole('region', { name: d['request.photos'] }).getByRole('img')).toHaveCount(0);
      await expectNoAxeViolations(page, `desk: on-site report in ${lang}`);
      await report.screenshot({ path: testInfo.outputPath(`desk-report-${lang}.png`) });
      if (lang === 'zh-CN') await page.getByRole('button', { name: zh['lang.switch'] }).click();
    }
  });
});

for (const lang of ['zh-CN', 'en']) {
  test.describe(`the photo control in ${lang}`, () => {
    test.use({ locale: locales[lang] });
    const m = messages[lang];

    test('speaks the page\'s language and offers the camera', async ({ page, server }) => {
      await begin(page, server, m, lang, 'repair', 'appliance');
      await page.getByLabel(m['field.full_name']).fill('Helen Zhou');
      await page.getByLabel(m['field.phone']).fill('13812345678');
      await next(page, m);
      await page.getByLabel(m['field.purchase_date']).fill('2020-03-01');
      await next(page, m);
      await expect(heading(page)).toHaveText(m['step.problem']);
      await expect(page.locator('label.picker-button')).toHaveText([m['photos.add'], m['photos.camera']]);
      await expect(page.getByLabel(m['photos.camera'])).toHaveAttribute('capture', 'environment');
      await expect(page.getByTestId('photo-count')).toHaveText(m['photos.none']);
      // The browser's own "Choose Files / No file chosen" is not shown.
      for (const input of await page.locator('input[type=file]').all()) await expect(input).not.toBeInViewport();
      await expectNoAxeViolations(page, 'photo control');
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
      await page.getByLabel(m['field.photos']).setInputFiles([{ name: 'a.png', mimeType: 'image/png', buffer: png }]);
      await expect(page.getByTestId('photo-count')).toHaveText(fill(m['photos.count'], { count: 1 }));
    });
  });
}

test.describe('a lost parcel', () => {
  test.use({ locale: 'zh-CN' });
  const m = messages['zh-CN'];

  test('补发 for an online order: chosen in guided help, carried into the form, stored with the request', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await page.getByLabel(m['intent.return_exchange_refund']).check();
    await page.getByLabel(productName('online-order', 'zh-CN')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await page.getByRole('button', { name: m['flow.start'] }).click();
    for (const id of ['lost', 'returned', 'reship']) await page.locator(`[data-answer="${id}"]`).click();
    await expect(heading(page)).toHaveText(m['flow.needs_service_heading']);
    await page.getByRole('button', { name: m['flow.continue_to_form'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await page.getByLabel(m['field.full_name']).fill('刘芳');
    await page.getByLabel(m['field.phone']).fill('13612345678');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.product']);
    await page.getByLabel(m['field.order_number']).fill('JD-2026-7788');
    await page.getByLabel(m['field.purchase_date']).fill(new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10));
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.problem']);
    await expect(page.getByRole('radio', { name: m['resolution.reship'], exact: true })).toBeChecked();
    await page.getByLabel(m['field.description']).fill('包裹显示被退回，我一直没有收到。');
    await expectNoAxeViolations(page, 'reship on the problem step');
    await next(page, m);
    await expect(heading(page)).toHaveText(m['step.review']);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    expect(server.rows("SELECT product_line, json_extract(details_json, '$.resolution'), json_extract(details_json, '$.order_number'), category, json_extract(troubleshooting_json, '$.outcome') FROM requests"))
      .toEqual([['online-order', 'reship', 'JD-2026-7788', 'logistics', 'svc_reship_lost']]);
  });
});

test.describe('an online order', () => {
  test.use({ locale: 'en-GB' });
  const m = messages.en;
  const daysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

  test('delivered within 7 days offers the no-reason return; later it is not offered', async ({ page, server }) => {
    await page.goto(server.url);
    await page.getByLabel(m['intent.return_exchange_refund']).check();
    await page.getByLabel(productName('online-order', 'en')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await page.getByRole('link', { name: m['flow.skip'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await page.getByLabel(m['field.full_name']).fill('Liu Fang');
    await page.getByLabel(m['field.phone']).fill('13612345678');
    await next(page, m);
    await page.getByLabel(m['field.order_number']).fill('JD-2026-7788');
    await page.getByLabel(m['field.purchase_date']).fill(daysAgo(12));
    await page.getByLabel(m['field.delivered_on']).fill(daysAgo(10));
    await next(page, m);
    const noReason = page.getByRole('radio', { name: m['resolution.return_no_reason'], exact: true });
    await expect(heading(page)).toHaveText(m['step.problem']);
    await expect(noReason).toHaveCount(0);
    await page.getByRole('button', { name: m['details.back'] }).click();
    await page.getByLabel(m['field.delivered_on']).fill(daysAgo(3));
    await next(page, m);
    await noReason.click();
    await page.getByLabel(m['field.description']).fill('The shoes fit but we do not like the colour.');
    await expectNoAxeViolations(page, 'no-reason return offered');
    await next(page, m);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    expect(server.rows("SELECT json_extract(details_json, '$.resolution'), json_extract(details_json, '$.delivered_on') FROM requests"))
      .toEqual([['return_no_reason', daysAgo(3)]]);
  });
});

test.describe('a config saved by Windows Notepad', () => {
  test.use({ locale: 'en-GB' });
  const m = messages.en;

  test('with a UTF-8 byte-order mark still opens the form', async ({ page, server }) => {
    await page.route('**/config.json', async (route) => {
      const original = await route.fetch();
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await original.body()]);
      await route.fulfill({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
    });
    await begin(page, server, m, 'en', 'repair', 'appliance');
    await expect(page.getByLabel(m['field.full_name'])).toBeVisible();
  });
});
