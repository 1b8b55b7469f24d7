// What README promises about a busy or slow server, shown end to end: 408, 429 and 5xx are
// retried by the outbox on its own timer (no click, no online/offline toggle), never sooner
// than the server's Retry-After, always under the same idempotency key, and the request ends
// in SQLite exactly once. In the first three, only the first try's answer is faked (later tries
// reach the real intake server); the last meets the server's own rate limit, nothing faked.
import { readFileSync } from 'node:fs';
import { test, expect, storedRecords, submitFromContact, walkToReview, config, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
/** The least wait between two tries (core/src/outbox.rs, BACKOFF_FLOOR_MS). */
const BACKOFF_FLOOR_MS = 500;

test.use({ locale: 'en-GB' });

const faults = [
  { status: 429, retryAfter: '2', code: 'rate_limited' },
  { status: 408, retryAfter: null, code: 'request_timeout' },
  { status: 503, retryAfter: '3', code: 'unavailable' },
];

for (const fault of faults) {
  const said = fault.retryAfter ? ` with Retry-After: ${fault.retryAfter}` : ' without Retry-After';
  test(`a ${fault.status}${said} is retried by itself, under the same key, and stored once`, async ({ page, server }) => {
    // Every try of the request, as it reached the network: its key and when.
    const attempts = [];
    let releaseFirst;
    const firstMayAnswer = new Promise((resolve) => { releaseFirst = resolve; });
    let faultAnsweredAt = 0;
    await page.route('**/api/v1/requests', async (route) => {
      const request = route.request();
      attempts.push({ key: request.headers()['idempotency-key'], at: Date.now() });
      if (attempts.length > 1) { await route.continue(); return; }
      // The first try is held until the customer is looking at the outbox, so the change
      // from "sending" to "not sent yet" is seen however slow the machine is.
      await firstMayAnswer;
      faultAnsweredAt = Date.now();
      await route.fulfill({
        status: fault.status,
        contentType: 'application/json',
        headers: fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {},
        body: JSON.stringify({ code: fault.code, message: 'Please try again later.' }),
      });
    });

    await page.goto(server.url);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await submitFromContact(page, m, { name: `Retry ${fault.status}`, phone: '13812345678', description: `The dryer stops after ten minutes (${fault.status}).` });
    await page.getByRole('button', { name: /^Outbox/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['outbox.heading']);
    await expect.poll(() => attempts.length).toBe(1);
    // Every text the item's status line shows, however briefly (a 408's retry may follow
    // within half a second).
    await page.evaluate(() => {
      window.statusHistory = [];
      const note = () => {
        const text = document.querySelector('.outbox-item .outbox-status')?.textContent;
        if (text && text !== window.statusHistory.at(-1)) window.statusHistory.push(text);
      };
      note();
      new MutationObserver(note).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    releaseFirst();

    // Then it goes by itself: no click, no change of network.
    await expect.poll(() => server.rows('SELECT count(*) FROM requests')[0][0], { timeout: 30_000 }).toBe(1);
    const status = page.locator('.outbox-item .outbox-status');
    await expect(status).toHaveText(/^Delivered — reference SR-\d{8}-[0-9A-Z]{7}$/);
    const [item] = await storedRecords(page, 'outbox');
    expect(item.attempts).toBe(2);

    // Meanwhile it said "not sent yet", with the reason and the time of the next try, and
    // that time was no sooner than the server asked for.
    const lowerBound = fault.retryAfter ? Number(fault.retryAfter) * 1000 : BACKOFF_FLOOR_MS;
    expect(item.next_attempt_at_ms - faultAnsweredAt).toBeGreaterThanOrEqual(lowerBound);
    const nextTry = await page.evaluate((at) => new Date(at).toLocaleString('en', { dateStyle: 'long', timeStyle: 'short' }), item.next_attempt_at_ms);
    const failed = m['outbox.status.failed'].replace('{reason}', `HTTP ${fault.status}`).replace('{time}', nextTry);
    const history = await page.evaluate(() => window.statusHistory);
    expect(history).toEqual([m['outbox.status.sending'], failed, m['outbox.status.sending'], expect.stringMatching(/^Delivered/)]);

    // Exactly one request, under the key every try carried.
    expect(server.rows('SELECT full_name, idempotency_key FROM requests')).toEqual([[`Retry ${fault.status}`, item.draft.idempotency_key]]);
    expect(attempts).toHaveLength(2);
    expect(attempts.map((a) => a.key)).toEqual([item.draft.idempotency_key, item.draft.idempotency_key]);
    expect(attempts[1].at - faultAnsweredAt, 'the second try waited as asked').toBeGreaterThanOrEqual(lowerBound);
  });
}

test.describe('the server\'s own rate limit', () => {
  // One create at once, then one every two seconds, for this loopback client.
  test.use({ serverArgs: ['--limit-create', '30:1'] });

  test('a real 429 with Retry-After is waited out and retried by itself, and stored once', async ({ page, server }) => {
    // The page's own clock, at the moment each create is called and its answer arrives: times
    // Playwright's events carry arrive late by however busy the machine is, and unevenly.
    await page.addInitScript(() => {
      window.createCalls = [];
      const fetch = window.fetch.bind(window);
      window.fetch = (input, init) => {
        const url = typeof input === 'string' ? input : input.url;
        if (!url.endsWith('/api/v1/requests')) return fetch(input, init);
        const call = { calledAt: Date.now() };
        window.createCalls.push(call);
        return fetch(input, init).then((response) => {
          Object.assign(call, { answeredAt: Date.now(), status: response.status, retryAfter: response.headers.get('retry-after') });
          return response;
        });
      };
    });
    await page.goto(server.url);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await walkToReview(page, m, { name: 'Real Limit', phone: '13812345678', description: 'The oven fan keeps running after it is switched off.' });

    // Someone else from the same address has just used this client's allowance.
    const earlier = await fetch(`${server.url}/api/v1/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'same-address-earlier' },
      body: JSON.stringify({ intent: 'consultation', product_line: 'appliance', full_name: 'Same Address', phone: '13912345678', description: 'Which filter fits the model BCD-452?' }),
    });
    expect(earlier.status).toBe(201);
    await page.getByRole('button', { name: m['details.submit'] }).click();

    await expect.poll(() => server.rows("SELECT count(*) FROM requests WHERE full_name = 'Real Limit'")[0][0], { timeout: 30_000 }).toBe(1);
    const calls = await page.evaluate(() => window.createCalls);
    expect(calls.map((c) => c.status)).toEqual([429, 201]);
    const waitAsked = Number(calls[0].retryAfter) * 1000;
    expect(waitAsked).toBeGreaterThanOrEqual(1000);
    // A browser timer may fire a millisecond early by rounding; never more.
    expect(calls[1].calledAt - calls[0].answeredAt, 'the retry waited as the server asked').toBeGreaterThanOrEqual(waitAsked - 2);
    const [item] = await storedRecords(page, 'outbox');
    expect(item.attempts).toBe(2);
    expect(server.rows('SELECT count(*) FROM requests')).toEqual([[2]]);
  });
});
