// Kiosk mode: a shared touch screen where each customer leaves nothing behind. Short idle
// times come from this test's config; the PIN hash from the server's own command.
import { test, expect, expectNoAxeViolations, everythingStored, walkToReview, otherDevice, noisyPng, appStarted, messages, config, fill, heading, productName, KIOSK_PIN as PIN, becomeKiosk } from './fixtures.mjs';

const m = messages.en;
const daysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Staff make the device a kiosk with the PIN; it lands on the kiosk's start screen. */
async function enterKiosk(page, server, lang = 'en') {
  await becomeKiosk(page, server, lang);
  await expect(heading(page)).toBeVisible();
}

async function startRepair(page, lang = 'en') {
  const t = messages[lang];
  await page.getByLabel(t['intent.repair']).check();
  await page.getByLabel(productName('appliance', lang)).check();
  await page.getByRole('button', { name: t['start.continue'] }).click();
  await expect(heading(page)).toHaveText(t['step.contact']);
}

test.describe('kiosk', () => {
  test.use({ locale: 'en-GB', kioskPin: true, configChanges: { kiosk: { idle_seconds: 3, warning_seconds: 6, recorded_by_required: false } } });

  test('the idle warning counts down, and "still here" keeps everything', async ({ page, server }) => {
    await enterKiosk(page, server);
    await startRepair(page);
    await page.getByLabel(m['field.full_name']).fill('Walk-up Customer');
    const dialog = page.getByRole('alertdialog', { name: m['kiosk.idle_heading'] });
    await expect(dialog).toBeVisible({ timeout: 8_000 });
    await expect(dialog.getByText(/\d+/)).toBeVisible();
    await expect(dialog.getByRole('button', { name: m['kiosk.still_here'] })).toBeFocused();
    await expectNoAxeViolations(page, 'idle warning');
    await dialog.getByRole('button', { name: m['kiosk.still_here'] }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Walk-up Customer');
    await expect(heading(page)).toHaveText(m['step.contact']);
  });

  test('what earlier visitors left on the device is wiped when it becomes a kiosk', async ({ page, server }) => {
    await page.goto(server.url);
    await appStarted(page);
    await page.evaluate(() => {
      localStorage.setItem('shouhou.status.SR-20261127-K7Q4M2X', JSON.stringify([{ reference: 'SR-20261127-K7Q4M2X', timeline: [{ text: 'Earlier Visitor 早先访客' }] }, 0]));
    });
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await page.getByLabel(m['field.full_name']).fill('Earlier Draft 早先草稿');
    await expect.poll(() => everythingStored(page)).toContain('Earlier Draft');
    await enterKiosk(page, server);
    const kept = await everythingStored(page);
    for (const earlier of ['Earlier Visitor', '早先访客', 'Earlier Draft', '早先草稿', 'shouhou.status.']) {
      expect(kept, `${earlier} kept`).not.toContain(earlier);
    }
    // From now on /kiosk is the kiosk's start address: no PIN asked again.
    await page.goto(`${server.url}/kiosk`);
    await expect(page).toHaveURL(`${server.url}/`);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await expect(page.locator('html')).toHaveClass(/kiosk/);
  });

  test.describe('where staff must say who took the request down', () => {
    test.use({ configChanges: { kiosk: { idle_seconds: 60, warning_seconds: 30, recorded_by_required: true } } });

    test('the kiosk asks for "recorded by", the server keeps it, and the website does not ask', async ({ page, server, browser }) => {
      await enterKiosk(page, server);
      await startRepair(page);
      await page.getByLabel(m['field.full_name']).fill('Kiosk Customer');
      await page.getByLabel(m['field.phone']).fill('13711113333');
      await page.getByRole('button', { name: m['step.next'], exact: true }).click();
      const recordedBy = page.getByLabel(m['field.recorded_by']);
      await expect(recordedBy).toHaveAttribute('aria-invalid', 'true');
      await expect(page.locator('.error-summary')).toContainText(m['field.recorded_by']);
      await recordedBy.fill('Li Gong');
      await walkToReview(page, m, { description: 'The dishwasher will not drain.' });
      await page.getByRole('button', { name: m['details.submit'] }).click();
      await expect(heading(page)).toHaveText(m['confirm.heading']);
      const [[details]] = server.rows('SELECT details_json FROM requests');
      expect(JSON.parse(details)).toMatchObject({ recorded_by: 'Li Gong' });

      // The same config on a customer's own device: not a kiosk, nothing to say.
      const own = await otherDevice(browser, { locale: 'en-GB' });
      const phone = await own.context.newPage();
      await phone.goto(server.url);
      await appStarted(phone);
      await startRepair(phone);
      await expect(phone.getByLabel(m['field.full_name'])).toBeVisible();
      await expect(phone.getByLabel(m['field.recorded_by'])).toHaveCount(0);
      await own.close();
    });
  });

  test.describe('with the offline shell', () => {
    test.use({ serviceWorkers: 'allow' });

    test('a timeout wipes every trace of the customer, and Back shows only the start', async ({ page, server }) => {
      await enterKiosk(page, server);
      await startRepair(page);
      // Typing keeps the customer "active": the fields go in before the idle time runs out.
      await page.getByLabel(m['field.full_name']).fill('Zhou Privacy');
      await page.getByLabel(m['field.phone']).fill('13987654321');
      await page.getByRole('button', { name: m['step.next'], exact: true }).click();
      await page.getByLabel(m['field.purchase_date']).fill(daysAgo(30));
      await page.getByRole('button', { name: m['step.next'], exact: true }).click();
      await page.getByLabel(m['field.description']).fill('Secret kettle trouble 秘密水壶');
      await page.getByLabel(m['field.photos']).setInputFiles([{ name: 'kettle.png', mimeType: 'image/png', buffer: noisyPng(300, 200, 5) }]);
      await expect(page.locator('.photos img')).toHaveCount(1, { timeout: 20_000 });
      const before = await everythingStored(page);
      expect(before).toContain('Zhou Privacy');
      expect(before).toMatch(/photos:\nblob of \d+ bytes/);

      // No input: the warning, then the reset, which reloads at the start.
      await expect(page.getByRole('alertdialog')).toBeVisible({ timeout: 8_000 });
      await expect(heading(page)).toHaveText(m['start.heading'], { timeout: 15_000 });
      await expect(page.getByRole('alertdialog')).toHaveCount(0);
      const after = await everythingStored(page);
      for (const typed of ['Zhou Privacy', '13987654321', 'Secret kettle', '秘密水壶']) {
        expect(after, `${typed} left in storage`).not.toContain(typed);
      }
      expect(after).not.toMatch(/photos:\nblob of/);
      await expect(page.getByLabel(m['intent.repair'])).not.toBeChecked();

      // Back through the earlier customer's screens (contact, product, the start) shows the
      // start screen only.
      for (let i = 0; i < 3; i++) {
        await page.goBack();
        await expect(heading(page)).toHaveText(m['start.heading']);
        await expect(page.getByText('Zhou Privacy')).toHaveCount(0);
      }
    });
  });

  test('a request submitted offline goes once the network returns; then nothing personal is kept', async ({ page, server, context }) => {
    test.slow();
    await enterKiosk(page, server);
    await startRepair(page);
    await page.getByLabel(m['field.full_name']).fill('Offline Kiosk');
    await page.getByLabel(m['field.phone']).fill('13711112222');
    await page.getByRole('button', { name: m['step.next'], exact: true }).click();
    await page.getByLabel(m['field.purchase_date']).fill('2020-03-01');
    await page.getByRole('button', { name: m['step.next'], exact: true }).click();
    await page.getByLabel(m['field.description']).fill('The oven light stays off.');
    await page.getByRole('radio', { name: m['resolution.repair'], exact: true }).click();
    await page.getByRole('button', { name: m['step.next'], exact: true }).click();
    await expect(heading(page)).toHaveText(m['step.review']);
    await context.setOffline(true);
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['sending.waiting_heading']);
    await context.setOffline(false);
    await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 20_000 });
    const reference = (await page.getByTestId('reference').textContent()).trim();
    expect(server.rows('SELECT reference, full_name FROM requests')).toEqual([[reference, 'Offline Kiosk']]);
    await expect.poll(() => everythingStored(page)).toContain(reference);
    const kept = await everythingStored(page);
    for (const personal of ['Offline Kiosk', '13711112222', 'The oven light']) {
      expect(kept, `${personal} kept after delivery`).not.toContain(personal);
    }
    // "Finish" wipes what is left and starts afresh; the request was stored once.
    await page.getByRole('button', { name: m['kiosk.finish'] }).click();
    await expect(heading(page)).toHaveText(m['start.heading']);
    expect(server.rows('SELECT count(*) FROM requests')).toEqual([[1]]);
  });

  test('no way to other customers: no drafts list, no outbox list, no earlier receipt', async ({ page, server }) => {
    await enterKiosk(page, server);
    await expect(page.getByRole('button', { name: m['drafts.link'] })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /Outbox/ })).toHaveCount(0);
    for (const path of ['/drafts', '/outbox']) {
      await page.goto(server.url + path);
      await expect(heading(page)).toHaveText(m['start.heading']);
      await expect(page.getByRole('button', { name: m['drafts.link'] })).toHaveCount(0);
    }
    await startRepair(page);
    await page.getByLabel(m['field.full_name']).fill('First Customer');
    await page.getByLabel(m['field.phone']).fill('13722223333');
    await page.getByRole('button', { name: m['step.next'], exact: true }).click();
    await page.getByLabel(m['field.purchase_date']).fill('2020-03-01');
    await page.getByRole('button', { name: m['step.next'], exact: true }).click();
    await page.getByLabel(m['field.description']).fill('The dishwasher leaks.');
    await page.getByRole('radio', { name: m['resolution.repair'], exact: true }).click();
    await page.getByRole('button', { name: m['step.next'], exact: true }).click();
    await page.getByRole('button', { name: m['details.submit'] }).click();
    await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 20_000 });
    const reference = (await page.getByTestId('reference').textContent()).trim();
    await page.getByRole('button', { name: m['kiosk.finish'] }).click();
    await expect(heading(page)).toHaveText(m['start.heading']);
    // The next customer typing the receipt's address gets the status look-up, which asks
    // for the contact: nothing of the first customer is shown.
    await page.goto(`${server.url}/sent/${reference}`);
    await expect(heading(page)).toHaveText(m['status.heading']);
    await expect(page.getByText('First Customer')).toHaveCount(0);
    await expect(page.getByText('The dishwasher leaks.')).toHaveCount(0);
  });

  test.describe('with the PIN set on the server', () => {
    // Staff take their time: the idle reset stays out of the way here.
    test.use({
      // Five tries a minute at most: the first made the device a kiosk.
      kioskPin: true,
      serverArgs: ['--limit-kiosk-pin', '1:5'],
      configChanges: { kiosk: { idle_seconds: 90, warning_seconds: 30, recorded_by_required: false } },
    });

    test('a wrong PIN is refused; the right one shows the staff view, which leaves kiosk mode', async ({ page, server }) => {
      await enterKiosk(page, server);
      await page.getByRole('button', { name: m['kiosk.staff'] }).click();
      const panel = page.locator('.staff-panel');
      await page.getByLabel(m['kiosk.pin_label']).fill('000000');
      await panel.getByRole('button', { name: m['kiosk.pin_submit'] }).click();
      await expect(panel.getByRole('alert')).toHaveText(m['kiosk.pin_wrong']);
      await expectNoAxeViolations(page, 'staff PIN with an error');
      await page.getByLabel(m['kiosk.pin_label']).fill(PIN);
      await panel.getByRole('button', { name: m['kiosk.pin_submit'] }).click();
      await expect(panel.getByText(fill(m['kiosk.count_waiting'], { count: 0 }))).toBeVisible();
      await expectNoAxeViolations(page, 'staff view');
      await panel.getByRole('button', { name: m['kiosk.leave'] }).click();
      await expect(heading(page)).toHaveText(m['start.heading']);
      await expect(page.locator('html')).not.toHaveClass(/kiosk/);
      await appStarted(page);
      await expect(page.getByRole('button', { name: m['drafts.link'] })).toBeVisible();
    });

    test('"send now" sends what waits for its next try at once, and shows only counts', async ({ page, server }) => {
      // The server's first answer asks for an hour's wait; staff need not wait that long.
      let tries = 0;
      await page.route('**/api/v1/requests', async (route) => {
        tries += 1;
        if (tries > 1) { await route.continue(); return; }
        await route.fulfill({ status: 503, contentType: 'application/json', headers: { 'Retry-After': '3600' }, body: '{"code":"unavailable","message":"Busy"}' });
      });
      await enterKiosk(page, server);
      await startRepair(page);
      await page.getByLabel(m['field.full_name']).fill('Waiting Customer');
      await page.getByLabel(m['field.phone']).fill('13711114444');
      await walkToReview(page, m, { description: 'The freezer ices up within a day.' });
      await page.getByRole('button', { name: m['details.submit'] }).click();
      await expect.poll(() => tries).toBe(1);
      await expect(heading(page)).toHaveText(m['sending.waiting_heading']);

      await page.getByRole('button', { name: m['kiosk.staff'] }).click();
      const panel = page.locator('.staff-panel');
      await page.getByLabel(m['kiosk.pin_label']).fill(PIN);
      await panel.getByRole('button', { name: m['kiosk.pin_submit'] }).click();
      await expect(panel.getByText(fill(m['kiosk.count_waiting'], { count: 1 }))).toBeVisible();
      await expect(panel).not.toContainText('Waiting Customer');
      await panel.getByRole('button', { name: m['kiosk.send_now'] }).click();
      await expect(panel.getByText(fill(m['kiosk.count_sent'], { count: 1 }))).toBeVisible({ timeout: 15_000 });
      expect(tries).toBe(2);
      expect(server.rows('SELECT full_name FROM requests')).toEqual([['Waiting Customer']]);
    });

    test('offline, the staff panel says it needs a connection', async ({ page, server, context }) => {
      await enterKiosk(page, server);
      // The app (and its staff button) is up before the connection goes.
      await expect(page.getByRole('button', { name: m['kiosk.staff'] })).toBeVisible();
      await context.setOffline(true);
      await page.getByRole('button', { name: m['kiosk.staff'] }).click();
      await page.getByLabel(m['kiosk.pin_label']).fill(PIN);
      await page.locator('.staff-panel').getByRole('button', { name: m['kiosk.pin_submit'] }).click();
      await expect(page.locator('.staff-panel').getByRole('alert')).toHaveText(m['kiosk.pin_offline']);
      await context.setOffline(false);
    });

    test('guessing is stopped after a few tries', async ({ page, server }) => {
      await enterKiosk(page, server);
      await page.getByRole('button', { name: m['kiosk.staff'] }).click();
      const panel = page.locator('.staff-panel');
      for (const guess of ['111111', '222222', '333333', '444444']) {
        await page.getByLabel(m['kiosk.pin_label']).fill(guess);
        await panel.getByRole('button', { name: m['kiosk.pin_submit'] }).click();
        await expect(panel.getByRole('alert')).toHaveText(m['kiosk.pin_wrong']);
      }
      await page.getByLabel(m['kiosk.pin_label']).fill(PIN);
      await panel.getByRole('button', { name: m['kiosk.pin_submit'] }).click();
      await expect(panel.getByRole('alert')).toContainText(m['kiosk.pin_limited'].split('{seconds}')[0]);
      await expect(page.locator('html')).toHaveClass(/kiosk/);
    });
  });
});

test.describe('a link to /kiosk on a customer\'s device', () => {
  test.use({ locale: 'en-GB', kioskPin: true });

  test('asks for the staff PIN and changes nothing without it: the draft stays, and closing goes back to it', async ({ page, server, context }) => {
    await page.goto(server.url);
    await startRepair(page);
    await page.getByLabel(m['field.full_name']).fill('Phone Owner');
    await expect(page.getByTestId('save-status')).toHaveText(m['autosave.saved']);

    await page.goto(`${server.url}/kiosk`);
    const panel = page.locator('.staff-panel');
    await expect(panel.getByRole('heading', { name: m['kiosk.setup_heading'] })).toBeFocused();
    await expect(panel).toContainText(m['kiosk.setup_text']);
    await expect(page.locator('html')).not.toHaveClass(/kiosk/);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('shouhou_kiosk');
    await expectNoAxeViolations(page, 'making the device a kiosk');
    // By keyboard: a wrong PIN is refused and the device stays what it was.
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(m['kiosk.pin_label'])).toBeFocused();
    await page.keyboard.type('000000');
    await page.keyboard.press('Enter');
    await expect(panel.getByRole('alert')).toHaveText(m['kiosk.pin_wrong']);
    await expectNoAxeViolations(page, 'making the device a kiosk, a wrong PIN');
    // Offline, the server cannot vouch: nothing changes either.
    await context.setOffline(true);
    await page.getByLabel(m['kiosk.pin_label']).fill(PIN);
    await panel.getByRole('button', { name: m['kiosk.setup_submit'] }).click();
    await expect(panel.getByRole('alert')).toHaveText(m['kiosk.setup_offline']);
    await context.setOffline(false);
    await expect(page.locator('html')).not.toHaveClass(/kiosk/);
    expect(await everythingStored(page)).toContain('Phone Owner');

    // Closed, the customer is where they were, on the draft's step.
    await panel.getByRole('button', { name: m['kiosk.close'] }).click();
    await expect(page).toHaveURL(`${server.url}/form/contact`);
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Phone Owner');
    // A reload is still the customer's app, with the draft.
    await page.reload();
    await expect(page.locator('html')).not.toHaveClass(/kiosk/);
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Phone Owner');
  });
});

test.describe('a server without a kiosk PIN', () => {
  test.use({ locale: 'zh-CN' });

  test('makes no kiosk, since none could be left, and says so', async ({ page, server }) => {
    const t = messages['zh-CN'];
    await page.goto(`${server.url}/kiosk`);
    await page.getByLabel(t['kiosk.pin_label']).fill(PIN);
    await page.getByRole('button', { name: t['kiosk.setup_submit'] }).click();
    await expect(page.locator('.staff-panel').getByRole('alert')).toHaveText(t['kiosk.setup_not_set']);
    await expect(page.locator('html')).not.toHaveClass(/kiosk/);
    await expectNoAxeViolations(page, 'no kiosk PIN on the server (zh-CN)');
  });
});

for (const lang of ['en', 'zh-CN']) {
  test.describe(`kiosk by touch in ${lang}`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 800, height: 1280 }, hasTouch: true, kioskPin: true });

    test('every target is at least 48×48, the language switch is on the start screen, and it is axe-clean', async ({ page, server }) => {
      const t = messages[lang];
      await enterKiosk(page, server, lang);
      await expect(heading(page)).toHaveText(t['start.heading']);
      await expect(page.getByRole('button', { name: t['lang.switch'] })).toBeVisible();
      const small = async () => page.evaluate(() => [...document.querySelectorAll('button, a[href], .choice, input:not([type=radio]):not([type=checkbox]):not([type=hidden])')]
        .filter((el) => el.offsetParent !== null && !el.closest('[aria-hidden="true"]'))
        .map((el) => { const r = el.getBoundingClientRect(); return { what: el.outerHTML.slice(0, 60), w: r.width, h: r.height }; })
        .filter(({ w, h }) => w < 48 || h < 48));
      expect(await small(), 'targets under 48×48 on the start screen').toEqual([]);
      await expectNoAxeViolations(page, `kiosk start (${lang})`);
      await page.getByLabel(t['intent.repair']).tap();
      await page.getByLabel(productName('appliance', lang)).tap();
      await page.getByRole('button', { name: t['start.continue'] }).tap();
      await expect(heading(page)).toHaveText(t['step.contact']);
      await expect(page.getByLabel(t['field.phone'])).toHaveAttribute('inputmode', 'tel');
      expect(await small(), 'targets under 48×48 on the contact step').toEqual([]);
      await expectNoAxeViolations(page, `kiosk contact (${lang})`);
      // The browser must not offer the last customer's name or number to the next one.
      for (const field of ['full_name', 'phone', 'email']) {
        await expect(page.getByRole('textbox', { name: t[`field.${field}`] })).toHaveAttribute('autocomplete', 'off');
      }

      // Errors, then the rest of the journey to the receipt: every screen measured.
      await page.getByRole('button', { name: t['step.next'], exact: true }).tap();
      await expect(page.locator('.error-summary a').first()).toBeVisible();
      expect(await small(), 'targets under 48×48 with errors shown').toEqual([]);
      await page.getByLabel(t['field.full_name']).fill('Touch Customer');
      await page.getByLabel(t['field.phone']).fill('13700001234');
      await page.getByRole('button', { name: t['step.next'], exact: true }).tap();
      await page.getByLabel(t['field.purchase_date']).fill('2020-03-01');
      await page.getByRole('button', { name: t['step.next'], exact: true }).tap();
      await expect(heading(page)).toHaveText(t['step.problem']);
      expect(await small(), 'targets under 48×48 on the problem step').toEqual([]);
      await page.getByLabel(t['field.description']).fill('The fridge door seal is torn along the bottom.');
      await page.getByRole('radio', { name: t['resolution.repair'], exact: true }).tap();
      await page.getByRole('button', { name: t['step.next'], exact: true }).tap();
      await expect(heading(page)).toHaveText(t['step.review']);
      expect(await small(), 'targets under 48×48 on the review page').toEqual([]);
      await page.getByRole('button', { name: t['details.submit'] }).tap();
      await expect(heading(page)).toHaveText(t['confirm.heading']);
      expect(await small(), 'targets under 48×48 on the receipt').toEqual([]);
      await expectNoAxeViolations(page, `kiosk receipt (${lang})`);

      // The printed receipt is 80 mm wide, for a thermal printer.
      await page.emulateMedia({ media: 'print' });
      const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
      const [, width] = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf);
      expect(Number(width) * 25.4 / 72).toBeCloseTo(80, 0);
      await page.emulateMedia({ media: 'screen' });

      await page.getByRole('button', { name: t['kiosk.staff'] }).tap();
      await expect(page.getByLabel(t['kiosk.pin_label'])).toBeVisible();
      expect(await small(), 'targets under 48×48 in the staff panel').toEqual([]);
    });

    test('the on-screen keyboard does not cover the field being typed into', async ({ page, server }) => {
      const t = messages[lang];
      await enterKiosk(page, server, lang);
      await startRepair(page, lang);
      const field = page.getByLabel(t['field.address']);
      const box = await field.boundingBox();
      expect(box.y, 'the field starts in the lower half of the screen').toBeGreaterThan(600);
      await field.tap();
      // The keyboard comes up and takes the lower part of the screen (the page asks for the
      // content to be resized: interactive-widget=resizes-content).
      await page.setViewportSize({ width: 800, height: 560 });
      await expect.poll(async () => {
        const { y, height } = await field.boundingBox();
        return y >= 0 && y + height <= 560;
      }, { message: 'the focused field is in what the keyboard leaves' }).toBe(true);
      await expect(field).toBeFocused();
    });
  });
}
