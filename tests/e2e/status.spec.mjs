// The customer's side of the loop, against the real server: a request filed, its receipt's
// status link opened, the team asks a question (staff API), the customer answers offline and
// the answer arrives once, the team resolves it, the customer rates it once. Both languages,
// axe on every new state, and the answer by keyboard alone.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, expectNoAxeViolations, walkToReview, messages, config, productName, fill, heading, noisyPng, storedRecords } from './fixtures.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A lead's session on the test server: the account made with the server's own command. */
async function staffSession(server) {
  const bin = process.env.SHOUHOU_SERVER_BIN || path.join(root, 'target/debug/shouhou-server');
  execFileSync(bin, ['staff', 'add', 'lead-wang', '--role', 'lead', '--db', server.db], { input: 'correct horse battery\n' });
  const signIn = await fetch(`${server.url}/api/v1/staff/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ login: 'lead-wang', password: 'correct horse battery' }),
  });
  expect(signIn.status).toBe(204);
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  return async (reference, event) => {
    const answer = await fetch(`${server.url}/api/v1/staff/requests/${reference}/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: server.url },
      body: JSON.stringify(event),
    });
    expect(answer.status, JSON.stringify(event)).toBe(201);
  };
}

for (const lang of ['en', 'zh-CN']) {
  const m = messages[lang];
  test.describe(`status and follow-up in ${lang}`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });

    test('QR link, a question answered offline and delivered once, a rating stored once', async ({ page, server, context }) => {
      test.slow();
      await page.goto(server.url);
      await page.getByLabel(m['intent.repair']).check();
      await page.getByLabel(productName('appliance', lang)).check();
      await page.getByRole('button', { name: m['start.continue'] }).click();
      await walkToReview(page, m, { name: '林小姐', phone: '139 0000 1111', description: '洗衣机脱水时噪音很大 The drum bangs on spin.' });
      await page.getByRole('button', { name: m['details.submit'] }).click();
      await expect(heading(page)).toHaveText(m['confirm.heading']);
      const reference = (await page.getByTestId('reference').textContent()).trim();

      // The receipt's QR code encodes the status link; open it as a phone would.
      await page.goto(`${server.url}/status/${reference}`);
      await expect(heading(page)).toHaveText(m['status.heading']);
      const check = async () => {
        await page.getByLabel(m['status.contact_label']).fill('13900001111');
        await page.getByRole('button', { name: m['status.check'] }).click();
      };
      await check();
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.received'] }));
      await expect(page.getByText(m['status.next.received'])).toBeVisible();
      await expectNoAxeViolations(page, 'status, received');

      // The team asks a question.
      const staff = await staffSession(server);
      await staff(reference, { kind: 'status', status: 'in_progress' });
      await staff(reference, { kind: 'reply', text: 'Is the machine level? 请确认洗衣机是否放平。' });
      await staff(reference, { kind: 'status', status: 'waiting_customer' });
      await check();
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.waiting_customer'] }));
      await expect(page.getByText(fill(m['status.entry.reply'], { text: 'Is the machine level? 请确认洗衣机是否放平。' }))).toBeVisible();
      await expectNoAxeViolations(page, 'status, waiting for the customer');

      // The answer is written offline, by keyboard alone (a photo picked from the gallery,
      // resized on the device), and waits in the outbox.
      await context.setOffline(true);
      const answer = page.getByLabel(m['status.reply_label'], { exact: true });
      await answer.focus();
      await page.keyboard.type('It was not level; fixed now 已调平');
      await page.getByLabel(m['field.photos'], { exact: true }).setInputFiles([{ name: 'level.png', mimeType: 'image/png', buffer: noisyPng(1600, 1200, 3) }]);
      await expect(page.getByTestId('photo-count')).toHaveText(fill(m['photos.count'], { count: 1 }));
      await expectNoAxeViolations(page, 'an answer with a photo');
      // From the answer: the two photo pickers, the photo's "remove", then "send".
      await answer.focus();
      for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
      await expect(page.getByRole('button', { name: m['status.reply_send'] })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByText(m['status.reply_queued'])).toBeVisible();
      await expect(page.getByTestId('photo-count')).toHaveText(m['photos.none']);
      expect(server.rows("SELECT count(*) FROM events WHERE kind = 'customer_message'")).toEqual([[0]]);
      await context.setOffline(false);
      await expect.poll(() => server.rows("SELECT text FROM events WHERE kind = 'customer_message'"), { timeout: 20_000 })
        .toEqual([['It was not level; fixed now 已调平']]);
      // The photo arrived with the message, resized (no side over the configured limit),
      // and once delivered the device no longer keeps it.
      const [[width, height, type]] = server.rows(
        "SELECT p.width, p.height, p.content_type FROM photos p JOIN events e ON e.id = p.event_id WHERE e.kind = 'customer_message'");
      expect(type).toBe('image/jpeg');
      expect(Math.max(width, height)).toBeLessThanOrEqual(config.photos.max_side_px);
      await expect.poll(() => storedRecords(page, 'photos')).toEqual([]);
      expect(server.rows('SELECT status FROM requests')).toEqual([['in_progress']]);

      // Resolved: the customer rates it, once.
      await staff(reference, { kind: 'status', status: 'resolved' });
      await check();
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.resolved'] }));
      await expectNoAxeViolations(page, 'status, resolved');
      await page.getByRole('button', { name: m['status.rating_send'] }).click();
      await expect(page.getByText(m['status.rating_missing'])).toBeVisible();
      await page.getByLabel(m['status.rating.5']).check();
      await page.getByLabel(m['status.rating_comment']).fill('快速又耐心 Quick and patient');
      await page.getByRole('button', { name: m['status.rating_send'] }).click();
      await expect(page.getByText(m['status.rating_queued'])).toBeVisible();
      await expect.poll(() => server.rows("SELECT satisfaction FROM events WHERE kind = 'rating'"), { timeout: 20_000 }).toEqual([[5]]);
      await check();
      await expect(page.getByText(fill(m['status.entry.rating'], { rating: 5 }))).toBeVisible();
      await expect(page.getByRole('button', { name: m['status.rating_send'] })).toHaveCount(0);
      expect(server.rows("SELECT count(*) FROM events WHERE kind = 'rating'")).toEqual([[1]]);

      // Offline later, the device shows what it last saw, and says so.
      await context.setOffline(true);
      await check();
      await expect(page.getByRole('alert')).toHaveText(m['status.offline']);
      await expect(page.getByText(fill(m['status.entry.rating'], { rating: 5 }))).toBeVisible();
      await context.setOffline(false);
    });
  });
}
