// Any backend: the same journey delivered to a company's own JSON webhook and to a classic
// multipart form handler (real HTTP receivers on loopback), chosen in config.json alone.
import { readFileSync } from 'node:fs';
import { test, expect, walkToReview, noisyPng, config, heading, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
const daysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
async function fileRepair(page, server, { photo = false, offline } = {}) {
  await page.goto(server.url);
  await expect(heading(page)).toHaveText(m['start.heading']);
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('appliance')).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await walkToReview(page, m, {
    name: 'Jane O’Brien', phone: '+44 20 7946 0958', purchase: photo ? daysAgo(20) : '2020-03-01',
    description: 'The dishwasher stops mid-cycle with error E24 "drain".',
    onProblem: photo ? async () => {
      await page.getByLabel(m['field.photos']).setInputFiles([{ name: 'e24.png', mimeType: 'image/png', buffer: noisyPng(64, 48) }]);
      await expect(page.locator('.photos img')).toHaveCount(1);
    } : undefined,
  });
  if (offline) await offline();
  await page.getByRole('button', { name: m['details.submit'] }).click();
}

test.describe('a JSON webhook', () => {
  test.use({
    locale: 'en-GB',
    backend: {
      adapter: 'webhook',
      headers: { Authorization: 'Bearer test-token' },
      mapping: {
        full_name: 'customer.name', phone: 'customer.phone', description: 'issue.text',
        resolution: 'issue.wanted', idempotency_key: 'external_id', photos: 'issue.photos',
      },
      reference_path: 'ticket.id',
    },
  });

  test('gets the mapped fields, the headers and the photos; its ticket number is the reference', async ({ page, server, receiver }) => {
    // The first answer is lost (a 503): the retry carries the same key.
    let calls = 0;
    receiver.answer = () => (++calls === 1 ? { status: 503, body: { error: 'busy' } } : { status: 201, body: { ticket: { id: 'T-4711' } } });
    await fileRepair(page, server, { photo: true });
    await expect(page.getByTestId('outbox-status')).toContainText('HTTP 503');
    await page.getByRole('button', { name: m['outbox.retry_now'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    await expect(page.getByTestId('reference')).toHaveText('T-4711');

    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second.headers.authorization).toBe('Bearer test-token');
    expect(second.headers['content-type']).toBe('application/json');
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    const body = JSON.parse(second.body.toString('utf8'));
    expect(body.customer).toEqual({ name: 'Jane O’Brien', phone: '+44 20 7946 0958' });
    expect(body.issue.text).toBe('The dishwasher stops mid-cycle with error E24 "drain".');
    expect(body.issue.wanted).toBe('repair');
    expect(body.external_id).toBe(second.headers['idempotency-key']);
    expect(body.issue.photos).toHaveLength(1);
    expect(body.issue.photos[0].data).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(Object.keys(body).sort()).toEqual(['customer', 'external_id', 'issue']);
    // Nothing went to Shouhou's own server.
    expect(server.rows('SELECT count(*) FROM requests')).toEqual([[0]]);
  });

  test('a refusal comes back to the customer with the receiver’s reason', async ({ page, server, receiver }) => {
    receiver.answer = () => ({ status: 422, body: { message: 'Phone numbers must be local' } });
    await fileRepair(page, server);
    await expect(heading(page)).toHaveText(m['step.review']);
    await expect(page.getByRole('alert').filter({ hasText: 'returned the request' }))
      .toHaveText(m['sending.returned'].replace('{message}', 'Phone numbers must be local'));
  });
});

test.describe('a multipart form handler', () => {
  test.use({ locale: 'en-GB', backend: { adapter: 'multipart', mapping: {} } });

  test('gets every filled field as a form field and the photo as a file, sent once after an offline wait', async ({ page, server, receiver, context }) => {
    await fileRepair(page, server, { photo: true, offline: () => context.setOffline(true) });
    await expect(heading(page)).toHaveText(m['sending.waiting_heading']);
    expect(receiver.received).toHaveLength(0);
    await context.setOffline(false);
    await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 15_000 });
    expect(receiver.received).toHaveLength(1);
    const [{ headers, body }] = receiver.received;
    expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(body, { headers: { 'content-type': headers['content-type'] } }).formData();
    expect(form.get('full_name')).toBe('Jane O’Brien');
    expect(form.get('intent')).toBe('repair');
    expect(form.get('purchase_date')).toBe(daysAgo(20));
    expect(form.get('description')).toBe('The dishwasher stops mid-cycle with error E24 "drain".');
    expect(form.get('idempotency_key')).toBe(headers['idempotency-key']);
    expect(form.get('email')).toBeNull();
    const photo = form.get('photos');
    expect(photo.type).toBe('image/jpeg');
    expect(photo.name).toMatch(/^[0-9a-f-]{36}\.jpg$/);
    expect(photo.size).toBeGreaterThan(100);
    // Without a ticket number in the answer, the request's key is its reference.
    await expect(page.getByTestId('reference')).toHaveText(headers['idempotency-key'].slice(0, 8).toUpperCase());
  });
});
