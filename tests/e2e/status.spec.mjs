// The customer's side of the loop, against the real server: a request filed, the status
// screen reached from the confirmation's link (and from the receipt's QR code, decoded here
// and opened on another device, as a phone would), the team asks a question (staff API), the
// customer answers offline and the answer arrives once, the team resolves it, the customer
// rates it offline and the rating arrives once. Both languages, axe on every new state, the
// look-up, the answer and the rating by keyboard alone. A kiosk keeps no status answer.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { test, expect, expectNoAxeViolations, everythingStored, walkToReview, messages, config, productName, fill, heading, noisyPng, storedRecords, becomeKiosk } from './fixtures.mjs';

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

/** Files an out-of-warranty appliance repair from the start screen; the confirmation's reference. */
async function fileRequest(page, m, lang, details) {
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('appliance', lang)).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await walkToReview(page, m, details);
  await page.getByRole('button', { name: m['details.submit'] }).click();
  await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 20_000 });
  return (await page.getByTestId('reference').textContent()).trim();
}

/** The text the confirmation's QR code holds: its image as the screen shows it (a PNG
 *  screenshot of the element, no script in the page), decoded in Node. */
async function qrText(page, m) {
  const image = page.locator('.status-qr img');
  await expect(image).toBeVisible();
  await expect(page.locator('.status-qr figcaption')).toHaveText(m['confirm.qr_label']);
  const png = PNG.sync.read(await image.screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code, 'the QR code could be read').not.toBeNull();
  return code.data;
}

/** Presses `key` (Tab or Shift+Tab) until one of `targets` has the focus: moving by keyboard alone. */
async function tabTo(page, targets, key = 'Tab') {
  for (let i = 0; i < 40; i++) {
    if (await targets.evaluateAll((els) => els.includes(document.activeElement))) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${targets}`);
}

for (const lang of ['en', 'zh-CN']) {
  const m = messages[lang];
  test.describe(`status and follow-up in ${lang}`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });

    test('the confirmation links to the status, the QR holds the link, a question answered offline and a rating given offline each arrive once', async ({ page, server, context, browser }) => {
      test.slow();
      await page.goto(server.url);
      const reference = await fileRequest(page, m, lang, { name: '林小姐', phone: '139 0000 1111', description: '洗衣机脱水时噪音很大 The drum bangs on spin.' });

      // The receipt's QR code holds the status link, read from its image.
      const statusUrl = `${new URL(server.url).origin}/status/${reference}`;
      const scanned = await qrText(page, m);
      expect(scanned).toBe(statusUrl);
      const link = page.getByRole('link', { name: m['confirm.status_link'] });
      await expect(link).toHaveAttribute('href', `/status/${reference}`);
      await expectNoAxeViolations(page, 'confirmation with the status link');

      // A phone that scanned it opens the link: the status screen asks for the contact.
      const phoneContext = await browser.newContext({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
      const phone = await phoneContext.newPage();
      await phone.goto(scanned);
      await expect(heading(phone)).toHaveText(m['status.heading']);
      await expect(phone.getByText(fill(m['status.intro'], { reference }))).toBeVisible();
      await phone.getByLabel(m['status.contact_label']).fill('13900001111');
      await phone.getByRole('button', { name: m['status.check'] }).click();
      await expect(phone.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.received'] }));
      await phoneContext.close();

      // On this device the customer follows the link, in the app (no new page load).
      const loads = [];
      page.on('load', () => loads.push(page.url()));
      await link.click();
      await expect(page).toHaveURL(statusUrl);
      await expect(heading(page)).toHaveText(m['status.heading']);
      expect(loads, 'the link is followed inside the app').toEqual([]);

      // The look-up by keyboard alone: a wrong contact first, answered as "not found".
      const contact = page.getByLabel(m['status.contact_label']);
      await tabTo(page, contact);
      await page.keyboard.type('13900009999');
      await page.keyboard.press('Enter');
      await expect(page.getByRole('alert')).toHaveText(m['status.not_found']);
      await expect(page.getByRole('heading', { level: 2 })).toHaveCount(0);
      await expectNoAxeViolations(page, 'status, wrong contact');
      await tabTo(page, contact, 'Shift+Tab');
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('13900001111');
      await page.keyboard.press('Enter');
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.received'] }));
      await expect(page.getByText(m['status.next.received'])).toBeVisible();
      await expectNoAxeViolations(page, 'status, received');
      // Outside kiosk mode the device remembers the answer (what the kiosk test finds absent).
      await expect.poll(() => everythingStored(page)).toContain(`shouhou.status.${reference}`);
      const check = async () => {
        await contact.fill('13900001111');
        await page.getByRole('button', { name: m['status.check'] }).click();
      };

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

      // Resolved: the customer rates it offline, by keyboard alone (arrow keys in the radio
      // group), and the rating arrives once the connection returns.
      await staff(reference, { kind: 'status', status: 'resolved' });
      await check();
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.resolved'] }));
      await expectNoAxeViolations(page, 'status, resolved');
      await context.setOffline(true);
      const send = page.getByRole('button', { name: m['status.rating_send'] });
      await tabTo(page, send);
      await page.keyboard.press('Enter');
      await expect(page.getByText(m['status.rating_missing'])).toBeVisible();
      await tabTo(page, page.locator('input[name=rating]'), 'Shift+Tab');
      await page.keyboard.press('Space');
      for (let i = 0; i < 5 && !(await page.getByLabel(m['status.rating.5']).isChecked()); i++) {
        await page.keyboard.press('ArrowDown');
      }
      await expect(page.getByLabel(m['status.rating.5'])).toBeChecked();
      await expect(page.getByLabel(m['status.rating.5'])).toBeFocused();
      await page.keyboard.press('Tab');
      await expect(page.getByLabel(m['status.rating_comment'])).toBeFocused();
      await page.keyboard.type('快速又耐心 Quick and patient');
      await page.keyboard.press('Tab');
      await expect(send).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByText(m['status.rating_queued'])).toBeVisible();
      const rated = page.getByRole('list', { name: m['status.sent_from_here'] }).getByRole('listitem')
        .filter({ hasText: fill(m['outbox.title.rating'], { reference }) });
      await expect(rated).toBeVisible();
      expect(server.rows("SELECT count(*) FROM events WHERE kind = 'rating'")).toEqual([[0]]);
      await context.setOffline(false);
      // Delivered (the device says so, and never sends a delivered item again), and stored once.
      await expect(rated).toContainText(m['outbox.status.sent'].split('{reference}')[0], { timeout: 20_000 });
      expect(server.rows("SELECT satisfaction, text FROM events WHERE kind = 'rating'")).toEqual([[5, '快速又耐心 Quick and patient']]);
      await check();
      await expect(page.getByText(fill(m['status.entry.rating'], { rating: 5 }))).toBeVisible();
      await expect(send).toHaveCount(0);
      expect(server.rows("SELECT count(*) FROM events WHERE kind = 'rating'")).toEqual([[1]]);

      // Offline later, the device shows what it last saw, and says so.
      await context.setOffline(true);
      await check();
      await expect(page.getByRole('alert')).toHaveText(m['status.offline']);
      await expect(page.getByText(fill(m['status.entry.rating'], { rating: 5 }))).toBeVisible();
      await expectNoAxeViolations(page, 'status, offline with the remembered answer');
      await context.setOffline(false);
    });
  });
}

test.describe('status on a kiosk', () => {
  test.use({ locale: 'en-GB', viewport: { width: 800, height: 1280 }, hasTouch: true, kioskPin: true, configChanges: { kiosk: { idle_seconds: 600, warning_seconds: 30, recorded_by_required: false } } });

  test('the confirmation link is a 48×48 target, and a look-up leaves no trace of the answer', async ({ page, server }) => {
    const m = messages.en;
    await becomeKiosk(page, server);
    const reference = await fileRequest(page, m, 'en', { name: 'Kiosk Walk-up', phone: '13755556666', description: 'The fridge hums loudly.' });
    const link = page.getByRole('link', { name: m['confirm.status_link'] });
    const box = await link.boundingBox();
    expect(box.width, 'the status link is at least 48 px wide').toBeGreaterThanOrEqual(48);
    expect(box.height, 'the status link is at least 48 px high').toBeGreaterThanOrEqual(48);
    await expectNoAxeViolations(page, 'kiosk confirmation with the status link');

    const staff = await staffSession(server);
    await staff(reference, { kind: 'status', status: 'in_progress' });
    await staff(reference, { kind: 'reply', text: 'A technician calls you today. 技师今天联系您。' });
    await link.tap();
    await expect(heading(page)).toHaveText(m['status.heading']);
    await page.getByLabel(m['status.contact_label']).fill('13755556666');
    await page.getByRole('button', { name: m['status.check'] }).click();
    await expect(page.getByText(fill(m['status.entry.reply'], { text: 'A technician calls you today. 技师今天联系您。' }))).toBeVisible();
    await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.in_progress'] }));
    const kept = await everythingStored(page);
    expect(kept, 'no remembered status answer').not.toContain('shouhou.status.');
    for (const trace of ['A technician calls you today', 'in_progress', 'timeline']) {
      expect(kept, `"${trace}" kept on the kiosk`).not.toContain(trace);
    }
  });
});
