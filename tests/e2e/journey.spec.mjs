// The walking-skeleton journey, as customers meet it: choose, fill, reload, submit — in both
// languages, by mouse and by keyboard alone, with every screen scanned by axe-core.
import { test, expect, storedDrafts, storedRecords, expectDraftStored, expectNoAxeViolations, walkToReview, submitFromContact, messages, config, productName, fill } from './fixtures.mjs';


const customers = {
  en: { locale: 'en-GB', name: 'Jane O’Brien', phone: '+44 20 7946 0958', e164: '+442079460958',
        email: 'jane@example.co.uk', description: 'The bay window lets water in whenever it rains; the sill is soaked.' },
  'zh-CN': { locale: 'zh-CN', name: '王建国', phone: '138 1234 5678', e164: '+8613812345678',
        email: '', description: '变频器上电后显示 OC1 过流故障，电机无法启动 ⚠️' },
};

for (const lang of ['en', 'zh-CN']) {
  const m = messages[lang];
  const customer = customers[lang];

  test.describe(`in ${lang}`, () => {
    test.use({ locale: customer.locale });

    test('a customer files a repair request, reloading midway, and it lands in SQLite once', async ({ page, server }) => {
      await page.goto(server.url);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['start.heading']);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expect(page).toHaveTitle(m['app.title']);
      await expectNoAxeViolations(page, 'start');

      await page.getByRole('button', { name: m['start.continue'] }).click();
      const summary = page.locator('.error-summary');
      await expect(summary).toBeFocused();
      await expect(summary.getByRole('link')).toHaveText([
        fill(m['error.required_choice'], { field: m['field.intent'] }),
        fill(m['error.required_choice'], { field: m['field.product_line'] }),
      ]);
      await expectNoAxeViolations(page, 'start with errors');

      await page.getByLabel(m['intent.repair']).check();
      await page.getByLabel(productName('car-service', lang)).check();
      // A line without a flow simply has none: no "unavailable" notice, straight to the form.
      await expect(page.getByText(m['flow.unavailable'])).toHaveCount(0);
      await page.getByRole('button', { name: m['start.continue'] }).click();

      const heading = page.getByRole('heading', { level: 1 });
      await expect(heading).toHaveText(m['step.contact']);
      // A page of its own (the start step's form was sent): the browser starts reading it
      // from the top, as at any page load; the app moves focus only between its own screens.
      await expect(page.getByText(fill(m['step.progress'], { current: 2, total: 5 }))).toBeVisible();
      await expectNoAxeViolations(page, 'contact');

      await page.getByLabel(m['field.full_name']).fill(customer.name);
      await page.getByLabel(m['field.phone']).fill('12345');
      await page.getByRole('button', { name: m['step.next'], exact: true }).click();
      await expect(summary).toBeFocused();
      await expect(summary.getByRole('link')).toHaveText([m['error.invalid_phone']]);
      await expect(page.locator('#f-phone-error')).toHaveText(m['error.invalid_phone']);
      await expectNoAxeViolations(page, 'contact with errors');
      await summary.getByRole('link').first().click();
      await expect(page.getByLabel(m['field.phone'])).toBeFocused();

      await page.getByLabel(m['field.phone']).fill(customer.phone);
      if (customer.email) await page.getByRole('textbox', { name: m['field.email'] }).fill(customer.email);
      await expect(summary).toHaveCount(0);
      await expect(page.getByTestId('save-status')).toHaveText(m['autosave.saved']);
      await expectDraftStored(page, { full_name: customer.name, phone: customer.phone });

      await page.reload();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.contact']);
      await expect(page.getByLabel(m['field.full_name'])).toHaveValue(customer.name);
      await expect(page.getByLabel(m['field.phone'])).toHaveValue(customer.phone);
      await expect(page.getByRole('textbox', { name: m['field.email'] })).toHaveValue(customer.email);

      await walkToReview(page, m, { description: customer.description });
      await expectNoAxeViolations(page, 'review');
      await page.getByRole('button', { name: m['details.submit'] }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading']);
      const reference = (await page.getByTestId('reference').textContent()).trim();
      expect(reference).toMatch(/^SR-\d{8}-[0-9A-Z]{7}$/);
      await expect(page.locator('.reply-by')).toContainText(m['confirm.reply_by'].split('{time}')[0].trim());
      await expectNoAxeViolations(page, 'confirmation');

      expect(server.rows('SELECT reference, intent, product_line, full_name, phone, email, description FROM requests'))
        .toEqual([[reference, 'repair', 'car-service', customer.name, customer.e164, customer.email || null, customer.description]]);
      await expect.poll(() => storedDrafts(page)).toEqual([]);
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('shouhou.journal.')))).toEqual([]);

      await page.getByRole('button', { name: m['confirm.new_request'] }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['start.heading']);
      await expect(page.getByLabel(m['intent.repair'])).not.toBeChecked();
    });
  });
}

test.describe('language', () => {
  test.use({ locale: 'zh-CN' });

  test('the browser language is used first, and a switch is remembered', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(messages['zh-CN']['start.heading']);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(messages.en['start.heading']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(messages.en['start.heading']);
    await page.getByRole('button', { name: '中文' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  });
});

test.describe('keyboard alone', () => {
  test.use({ locale: 'en-GB' });
  const m = messages.en;

  /** Presses Tab until the focused element matches `selector`. */
  async function tabTo(page, selector) {
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  test('the whole journey works without a pointer', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['start.heading']);

    await tabTo(page, 'input[name=intent]');
    await page.keyboard.press('ArrowDown');
    await expect(page.getByLabel(m['intent.repair'])).toBeChecked();
    await tabTo(page, 'input[name=product_line]');
    await page.keyboard.press('Space');
    await expect(page.getByLabel(productName('network', 'en'))).toBeChecked();
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    // Guided help by keyboard: start, answer four screens (the last the way out, "something
    // else"), continue to the form.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['flow.offer_heading']);
    await tabTo(page, 'button.primary');
    await page.keyboard.press('Enter');
    for (const answer of ['fibre', 'new', 'not_fixed', 'other']) {
      await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
      await tabTo(page, `[data-answer="${answer}"]`);
      await page.keyboard.press('Enter');
    }
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['flow.needs_service_heading']);
    await tabTo(page, 'button.primary');
    await page.keyboard.press('Enter');

    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    await tabTo(page, '[name=full_name]');
    await page.keyboard.type('Li Na');
    await tabTo(page, '[name=phone]');
    await page.keyboard.type('13912345678');
    // The checks found an engineer must come: the address is asked for.
    await tabTo(page, '[name=address]');
    await page.keyboard.type('Building 3, Zhangjiang Road 88');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    // The product step: a date typed digit by digit, in the order the date control shows.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.product']);
    await tabTo(page, '[name=purchase_date]');
    await page.keyboard.type('03012020');
    await expect(page.locator('[name=purchase_date]')).toHaveValue('2020-03-01');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.problem']);
    await tabTo(page, '[name=description]');
    await page.keyboard.type('The switch fibre port link light stays off.');
    // The on-site visit is already chosen; out of warranty, its charge is acknowledged.
    await expect(page.locator('input[name=resolution][value=onsite_visit]')).toBeChecked();
    await tabTo(page, '[name=charge_ack]');
    await page.keyboard.press('Space');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.review']);
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading']);
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    expect(server.rows("SELECT intent, product_line, full_name, phone, json_extract(troubleshooting_json, '$.outcome') FROM requests"))
      .toEqual([['repair', 'network', 'Li Na', '+8613912345678', 'svc_fibre']]);
  });
});

test.describe('sending through the outbox', () => {
  test.use({ locale: 'en-GB' });
  const m = messages.en;

  async function fillValidRequest(page, name = 'Chen Jie') {
    await page.getByLabel(m['intent.complaint']).check();
    await page.getByRole('radio', { name: m['category.quality'], exact: true }).check();
    await page.getByLabel(productName('appliance', 'en')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await walkToReview(page, m, {
      name, phone: '13712345678', purchase: '',
      description: 'The rice cooker arrived dented and the lid does not close.',
      choices: { resolution: 'replacement' },
    });
  }

  const outboxItems = (page) => storedRecords(page, 'outbox');

  /** Submits with the network cut: the request waits in the outbox. */
  async function submitOffline(page, context) {
    await context.setOffline(true);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['sending.waiting_heading']);
  }

  test('a lost answer is retried with the same key: one request, one reference', async ({ page, server }) => {
    await page.goto(server.url);
    await fillValidRequest(page);
    // The request reaches the server, but its answer never reaches the browser.
    await page.route('**/api/v1/requests', async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['sending.waiting_heading']);
    await expect(page.getByTestId('outbox-status')).toContainText(m['reason.offline']);
    expect(server.rows('SELECT count(*) FROM requests')).toEqual([[1]]);
    const [queued] = await outboxItems(page);
    expect(queued.status).toEqual({ failed: { reason: 'offline' } });
    await expectNoAxeViolations(page, 'waiting in the outbox');

    await page.unroute('**/api/v1/requests');
    await page.getByRole('button', { name: m['outbox.retry_now'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading']);
    const reference = (await page.getByTestId('reference').textContent()).trim();
    expect(server.rows('SELECT reference FROM requests')).toEqual([[reference]]);
    const [sent] = await outboxItems(page);
    expect(sent.status.sent.reference).toBe(reference);
    expect(sent.draft.idempotency_key).toBe(queued.draft.idempotency_key);
  });

  test('offline at submit: queued, then sent by itself when the network returns', async ({ page, server, context }) => {
    await page.goto(server.url);
    await fillValidRequest(page);
    await submitOffline(page, context);
    await expect(page.getByRole('button', { name: 'Outbox (1)' })).toBeVisible();
    await context.setOffline(false);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading'], { timeout: 15_000 });
    expect(server.rows('SELECT full_name FROM requests')).toEqual([['Chen Jie']]);
  });

  test('a request submitted offline survives closing the tab and goes at the next visit', async ({ page, server, context }) => {
    await page.goto(server.url);
    await fillValidRequest(page, 'Wu Fang');
    await submitOffline(page, context);
    await page.close();
    await context.setOffline(false);
    expect(server.rows('SELECT count(*) FROM requests')).toEqual([[0]]);

    const next = await context.newPage();
    await next.goto(server.url);
    await expect.poll(() => server.rows('SELECT full_name FROM requests')).toEqual([['Wu Fang']]);
    await next.getByRole('button', { name: /^Outbox/ }).click();
    await expect(next.getByRole('heading', { level: 1 })).toHaveText(m['outbox.heading']);
    await expect(next.locator('.outbox-item .outbox-status')).toHaveText(/^Delivered — reference SR-\d{8}-[0-9A-Z]{7}$/);
    await expectNoAxeViolations(next, 'outbox');
  });

  test('a request the server refuses comes back as a draft with its messages', async ({ page, server }) => {
    await page.goto(server.url);
    await fillValidRequest(page);
    await page.route('**/api/v1/requests', (route) => route.fulfill({
      status: 422, contentType: 'application/json',
      body: JSON.stringify({ code: 'validation_failed', message: 'The request did not pass validation',
        fields: [{ field: 'phone', code: 'invalid_phone', message: 'x' }] }),
    }));
    await page.getByRole('button', { name: m['details.submit'] }).click();
    // Back on "check your answers", with the server's reason and its message for the field.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.review']);
    await expect(page.getByRole('alert').filter({ hasText: 'returned the request' }))
      .toHaveText(m['sending.returned'].replace('{message}', 'The request did not pass validation'));
    await expect(page.locator('.error-summary')).toContainText(m['error.invalid_phone']);
    await expect.poll(() => outboxItems(page)).toEqual([]);
    await expectDraftStored(page, { full_name: 'Chen Jie' });

    await page.unroute('**/api/v1/requests');
    await page.getByRole('button', { name: fill(m['review.change_label'], { section: m['step.contact'] }) }).click();
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Chen Jie');
    await page.getByLabel(m['field.phone']).fill('13712345679');
    await page.getByRole('button', { name: m['step.back_to_review'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.review']);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading']);
    expect(server.rows('SELECT phone FROM requests')).toEqual([['+8613712345679']]);
  });

  test('an unsent request can be taken back out of the outbox to change it', async ({ page, server, context }) => {
    await page.goto(server.url);
    await fillValidRequest(page);
    await submitOffline(page, context);
    await page.getByRole('button', { name: 'Outbox (1)' }).click();
    await page.getByRole('button', { name: m['outbox.edit'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.review']);
    await page.getByRole('button', { name: fill(m['review.change_label'], { section: m['step.contact'] }) }).click();
    await page.getByLabel(m['field.full_name']).fill('Chen Jie-Ming');
    await page.getByRole('button', { name: m['step.back_to_review'] }).click();
    await context.setOffline(false);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading']);
    expect(server.rows('SELECT full_name FROM requests')).toEqual([['Chen Jie-Ming']]);
  });
});
