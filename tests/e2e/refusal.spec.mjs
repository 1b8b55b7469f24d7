// A real refusal from the real server, nothing faked: a request that passes the app's checks
// on the customer's device and fails the server's comes back as an editable draft with the
// server's messages (docs/customer-app.md, "Drafts, outbox and offline use").
//
// The device's clock runs ten days ahead. A purchase date five days after the server's today
// is in the past for the device, so the app submits it; the server trusts a customer's date
// only up to one day ahead of its own (core/src/validate/clock.rs), judges the purchase on
// its own date, and answers 422 future_date on `purchase_date`.
import { readFileSync } from 'node:fs';
import { test, expect, storedRecords, expectDraftStored, expectNoAxeViolations, walkToReview, config, fill, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

test.use({ locale: 'en-GB', timezoneId: 'UTC' });

/** Files a request the real server refuses (see above); resolves on "check your answers". */
async function fileRefusedRequest(page, server) {
  await page.clock.install({ time: Date.now() + 10 * DAY_MS });
  const purchase = isoDay(Date.now() + 5 * DAY_MS);
  const answers = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/requests')) answers.push(response.status());
  });

  await page.goto(server.url);
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('appliance')).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await walkToReview(page, m, {
    name: 'Sun Li', phone: '13812345678', purchase, choices: { resolution: 'explanation' },
    description: 'The fridge light flickers when the door opens.',
  });
  await page.getByRole('button', { name: m['details.submit'] }).click();

  // The server's answer, as it was: a 422, and nothing stored.
  await expect.poll(() => answers).toEqual([422]);
  expect(server.rows('SELECT count(*) FROM requests')).toEqual([[0]]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.review']);
  return purchase;
}

const futureDate = fill(m['error.future_date'], { field: m['field.purchase_date'] });

test('a request the server refuses for real comes back as a draft with its messages', async ({ page, server }) => {
  const purchase = await fileRefusedRequest(page, server);
  // Back on "check your answers": the server's reason, and its message for the field in the
  // error summary, which leads to the field.
  await expect(page.getByRole('alert').filter({ hasText: fill(m['sending.returned'], { message: '' }).trim() })).toBeVisible();
  const summary = page.locator('.error-summary');
  await expect(summary.getByRole('link')).toHaveText([futureDate]);
  await expectNoAxeViolations(page, 'returned by the server');
  await expect.poll(() => storedRecords(page, 'outbox')).toEqual([]);
  await expectDraftStored(page, { full_name: 'Sun Li', purchase_date: purchase });

  await summary.getByRole('link', { name: futureDate }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.product']);
  await expect(page.getByLabel(m['field.purchase_date'])).toHaveValue(purchase);
});

test('the server\'s message for a field is shown on that field', async ({ page, server }) => {
  await fileRefusedRequest(page, server);
  await page.locator('.error-summary').getByRole('link', { name: futureDate }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['step.product']);
  const field = page.getByLabel(m['field.purchase_date']);
  await expect(field).toHaveAttribute('aria-invalid', 'true', { timeout: 3_000 });
  await expect(page.locator('.field-error .error-message')).toHaveText(futureDate);
});
