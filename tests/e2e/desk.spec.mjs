// The staff desk (/desk/): a customer files a request in the customer app; staff sign in,
// find it in the inbox (overdue once its reply-by time has passed), reply publicly, note
// internally, resolve it, record a follow-up call and watch the figures change — with axe on
// every desk screen, the main loop by keyboard alone, and both languages.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, submitFromContact, addStaff, noisyPng, productName, fill, heading, otherDevice, tabTo } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
const app = { en: read('static/i18n/en.json'), 'zh-CN': read('static/i18n/zh-CN.json') };
// The desk's tables as built: its own words and those it takes from the app's tables.
const desk = { en: read('dist/desk/i18n/en.json'), 'zh-CN': read('dist/desk/i18n/zh-CN.json') };
const config = read('static/config.json');

const PHONE = '13812345678';
const PASSWORD = 'correct horse battery staple';

/** The customer's part: a repair request through the customer app; its reference. With
 *  `photo`, bought 40 days ago (in warranty, so a photo is needed) and one photo attached. */
async function customerFiles(page, server, description, { photo = false } = {}) {
  const m = app.en;
  await page.goto(server.url);
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('appliance', 'en')).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  const withPhoto = photo ? {
    purchase: new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10),
    onProblem: async () => {
      await page.getByLabel(m['field.photos']).setInputFiles([{ name: 'seal.png', mimeType: 'image/png', buffer: noisyPng(320, 240, 5) }]);
      await expect(page.locator('.photos img')).toHaveCount(1, { timeout: 20_000 });
    },
  } : {};
  await submitFromContact(page, m, { name: 'Wu Min', phone: PHONE, description, ...withPhoto });
  await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 20_000 });
  return (await page.getByTestId('reference').textContent()).trim();
}

/** A `datetime-local` value `hours` from now, on the browser's clock. */
const localTime = (page, hours) => page.evaluate((hours) => {
  const d = new Date(Date.now() + hours * 3_600_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}, hours);

test('the desk message tables, as built, have the same keys in both languages', () => {
  expect(Object.keys(desk.en).sort()).toEqual(Object.keys(desk['zh-CN']).sort());
});

test.describe('in English', () => {
  test.use({ locale: 'en-GB' });
  const d = desk.en;

  test('staff find an overdue request, answer it, resolve it, follow it up, and the figures move', async ({ page, server }) => {
    const description = 'The washing machine drum will not turn; it hums and stops.';
    const reference = await customerFiles(page, server, description);
    addStaff(server, 'lina', 'lead', PASSWORD);

    // Sign-in: a wrong password is refused, the right one opens the inbox.
    await page.goto(`${server.url}/desk/`);
    await expect(heading(page)).toHaveText(d['signin.heading']);
    await expect(page).toHaveTitle(`${d['title.sign_in']} · ${d['app.name']}`);
    await expectNoAxeViolations(page, 'desk sign-in');
    await page.getByLabel(d['signin.login']).fill('lina');
    await page.getByLabel(d['signin.password']).fill('not the password');
    await page.getByRole('button', { name: d['signin.submit'] }).click();
    await expect(page.getByRole('alert')).toHaveText(d['error.invalid_credentials']);
    await expectNoAxeViolations(page, 'desk sign-in refused');
    await page.getByLabel(d['signin.password']).fill(PASSWORD);
    await page.getByRole('button', { name: d['signin.submit'] }).click();

    // The inbox: the request, not yet overdue, counted as received.
    await expect(heading(page)).toHaveText(d['inbox.heading']);
    await expect(heading(page)).toBeFocused();
    const row = page.getByRole('row').filter({ hasText: reference });
    await expect(row).toBeVisible();
    await expect(row).toContainText('Wu Min');
    await expect(row.getByText(d['overdue'])).toHaveCount(0);
    await expect(page.getByRole('button', { name: `${d['status.received']} 1` })).toBeVisible();
    await page.getByLabel(d['filter.search']).fill(reference.toLowerCase());
    await page.getByRole('button', { name: d['filter.search_button'] }).click();
    await expect(page.getByRole('row')).toHaveCount(2);
    await expectNoAxeViolations(page, 'desk inbox');

    // The request: every field, and the reply-by time set in the past makes it overdue.
    await row.getByRole('link', { name: reference }).click();
    await expect(page).toHaveURL(`${server.url}/desk/requests/${reference}`);
    await expect(heading(page)).toHaveText(fill(d['request.heading'], { reference }));
    await expect(page.getByText(description)).toBeVisible();
    await expect(page.getByText(/Out of warranty since/)).toBeVisible();
    await expectNoAxeViolations(page, 'desk request');
    await page.getByLabel(d['action.reply_by_at']).fill(await localTime(page, -2));
    await page.getByRole('button', { name: d['action.reply_by_submit'] }).click();
    await expect(page.getByText(d['saved.reply_by'])).toBeVisible();
    await expect(page.locator('.summary').getByText(d['overdue'])).toBeVisible();

    // Back: the inbox shows it overdue, and the overdue filter keeps it; Forward returns.
    await page.goBack();
    await expect(heading(page)).toHaveText(d['inbox.heading']);
    await expect(page.getByRole('row').filter({ hasText: reference }).getByText(d['overdue'])).toBeVisible();
    await page.getByLabel(d['filter.overdue']).check();
    await expect(page.getByRole('row').filter({ hasText: reference })).toBeVisible();
    await expectNoAxeViolations(page, 'desk inbox, overdue');
    await page.goForward();
    await expect(heading(page)).toHaveText(fill(d['request.heading'], { reference }));

    // A public reply, an internal note, then in progress and resolved.
    const reply = 'We will send an engineer on Thursday morning.';
    const note = 'Customer sounded upset: check the drum belt stock first.';
    await page.getByLabel(d['action.reply_text']).fill(reply);
    await page.getByRole('button', { name: d['action.reply_submit'] }).click();
    await expect(page.getByText(d['saved.reply'])).toBeVisible();
    await page.getByLabel(d['action.note_text']).fill(note);
    await page.getByRole('button', { name: d['action.note_submit'] }).click();
    await expect(page.getByText(d['saved.note'])).toBeVisible();
    const timeline = page.locator('.timeline');
    await expect(timeline).toContainText(reply);
    await expect(timeline).toContainText(note);
    await page.getByRole('button', { name: d['action.assign_me'] }).click();
    await expect(timeline).toContainText(fill(d['entry.assign'], { to: 'lina' }));
    // A colleague is offered by name as the login is typed, and takes it over.
    addStaff(server, 'wang.fang', 'agent', PASSWORD);
    await page.reload();
    await expect(page.locator('#a-assign-staff option')).toHaveCount(2);
    await expect(page.locator('#a-assign-staff option[value="wang.fang"]')).toHaveText(d['role.agent']);
    await page.getByLabel(d['action.assign_login']).fill('wang.fang');
    await page.getByRole('button', { name: d['action.assign_submit'], exact: true }).click();
    await expect(timeline).toContainText(fill(d['entry.assign'], { to: 'wang.fang' }));
    await page.getByLabel(d['action.status_new']).selectOption('in_progress');
    await page.getByRole('button', { name: d['action.status_submit'] }).click();
    await expect(page.locator('.summary')).toContainText(d['status.in_progress']);
    await page.getByLabel(d['action.status_new']).selectOption('resolved');
    await page.getByRole('button', { name: d['action.status_submit'] }).click();
    await expect(page.locator('.summary')).toContainText(d['status.resolved']);
    await expectNoAxeViolations(page, 'desk request, answered');

    // The customer's status look-up: the public reply, never the note.
    const status = await page.request.get(`${server.url}/api/v1/requests/${reference}?contact=${PHONE}`);
    expect(status.status()).toBe(200);
    const seen = await status.json();
    expect(seen.status).toBe('resolved');
    expect(seen.timeline.map((entry) => entry.text)).toContain(reply);
    expect(JSON.stringify(seen)).not.toContain(note);
    expect(JSON.stringify(seen)).not.toContain('lina');

    // The figures: resolved without a follow-up yet. An out-of-warranty repair is not one of
    // the requests the rate is measured on (follow_up.counted): it counts beside it, in all.
    await page.getByRole('navigation').getByRole('link', { name: d['nav.figures'] }).click();
    await expect(page).toHaveURL(`${server.url}/desk/figures`);
    await expect(heading(page)).toHaveText(d['figures.heading']);
    const followUp = page.locator('#rate-follow-up');
    const satisfaction = page.locator('#rate-satisfaction');
    await expect(followUp).toContainText(d['figures.nothing_counted']);
    await expect(followUp).toContainText(fill(d['figures.follow_up_counts'], { part: 0, whole: 0, all: '0 %', all_part: 0, all_whole: 1 }));
    await expect(satisfaction).toContainText(d['figures.nothing_counted']);
    await expectNoAxeViolations(page, 'desk figures');

    // A follow-up call, satisfied: the all-requests follow-up rate and satisfaction move to 100 %.
    await page.goBack();
    await expect(heading(page)).toHaveText(fill(d['request.heading'], { reference }));
    await page.getByLabel(d['action.follow_up_outcome']).selectOption('reached');
    await page.getByLabel(d['action.follow_up_satisfaction']).selectOption('5');
    await page.getByLabel(d['action.follow_up_text']).fill('Fixed; the drum turns again.');
    await page.getByRole('button', { name: d['action.follow_up_submit'] }).click();
    await expect(page.getByText(d['saved.follow_up'])).toBeVisible();
    await expect(timeline).toContainText(d['outcome.reached']);
    await expect(timeline).toContainText('Fixed; the drum turns again.');
    await page.goForward();
    await expect(heading(page)).toHaveText(d['figures.heading']);
    await expect(followUp).toContainText(fill(d['figures.follow_up_counts'], { part: 0, whole: 0, all: '100 %', all_part: 1, all_whole: 1 }));
    await expect(satisfaction).toContainText('100 %');
    await expect(satisfaction).toContainText(fill(d['figures.satisfaction_counts'], { part: 1, whole: 1, customers: 0, follow_ups: 1 }));
    await expectNoAxeViolations(page, 'desk figures after a follow-up');

    // The export link gives the period's requests as CSV with a byte-order mark.
    const href = await page.getByRole('link', { name: d['figures.export'] }).getAttribute('href');
    expect(href).toMatch(/^\/api\/v1\/staff\/export\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
    const csv = await page.request.get(`${server.url}${href}`);
    expect(csv.status()).toBe(200);
    const bytes = await csv.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain(reference);

    // Signing out brings the sign-in back, and a deep link needs it again.
    await page.getByRole('button', { name: d['sign_out'] }).click();
    await expect(heading(page)).toHaveText(d['signin.heading']);
    await page.goto(`${server.url}/desk/requests/${reference}`);
    await expect(heading(page)).toHaveText(d['signin.heading']);
  });
});

test.describe('by keyboard, switching to Chinese on the sign-in screen', () => {
  test.use({ locale: 'en-GB' });
  const d = desk['zh-CN'];

  test('an agent signs in, opens a request, replies, notes and resolves it without a mouse', async ({ page, server }) => {
    const reference = await customerFiles(page, server, 'The dryer smells of burning after ten minutes.');
    addStaff(server, 'wei', 'agent', PASSWORD);
    const keys = (key) => page.keyboard.press(key);

    await page.goto(`${server.url}/desk/`);
    await expect(heading(page)).toHaveText(desk.en['signin.heading']);
    await tabTo(page, page.getByRole('button', { name: '中文' }));
    await keys('Enter');
    await expect(heading(page)).toHaveText(d['signin.heading']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page).toHaveTitle(`${d['title.sign_in']} · ${d['app.name']}`);
    await expectNoAxeViolations(page, 'desk sign-in in Chinese');

    await tabTo(page, page.getByLabel(d['signin.login']));
    await page.keyboard.type('wei');
    await keys('Tab');
    await page.keyboard.type(PASSWORD);
    await keys('Enter');
    await expect(heading(page)).toHaveText(d['inbox.heading']);
    await expect(heading(page)).toBeFocused();
    // An agent has no figures.
    await expect(page.getByRole('link', { name: d['nav.figures'] })).toHaveCount(0);
    await expectNoAxeViolations(page, 'desk inbox in Chinese');

    await tabTo(page, page.getByRole('link', { name: reference }));
    await keys('Enter');
    await expect(heading(page)).toHaveText(fill(d['request.heading'], { reference }));
    await expect(heading(page)).toBeFocused();
    await expectNoAxeViolations(page, 'desk request in Chinese');

    await tabTo(page, page.getByLabel(d['action.reply_text']));
    await page.keyboard.type('已安排工程师明天上门检查。');
    await tabTo(page, page.getByRole('button', { name: d['action.reply_submit'] }));
    await keys('Enter');
    await expect(page.getByText(d['saved.reply'])).toBeVisible();

    await tabTo(page, page.getByLabel(d['action.note_text']));
    await page.keyboard.type('客户语气着急，优先处理。');
    await tabTo(page, page.getByRole('button', { name: d['action.note_submit'] }));
    await keys('Enter');
    await expect(page.getByText(d['saved.note'])).toBeVisible();

    // received → in progress (the only choice), then → resolved (the second).
    const select = page.getByLabel(d['action.status_new']);
    await tabTo(page, page.getByRole('button', { name: d['action.status_submit'] }));
    await keys('Enter');
    await expect(page.locator('.summary')).toContainText(d['status.in_progress']);
    await tabTo(page, select);
    await keys('ArrowDown');
    await expect(select).toHaveValue('resolved');
    await tabTo(page, page.getByRole('button', { name: d['action.status_submit'] }));
    await keys('Enter');
    await expect(page.locator('.summary')).toContainText(d['status.resolved']);
    const timeline = page.locator('.timeline');
    await expect(timeline).toContainText('已安排工程师明天上门检查。');
    await expect(timeline).toContainText('客户语气着急，优先处理。');

    // Back to the inbox by its link: the request shows as resolved there.
    await tabTo(page, page.getByRole('link', { name: d['request.back'] }));
    await keys('Enter');
    await expect(heading(page)).toHaveText(d['inbox.heading']);
    await expect(page.getByRole('row').filter({ hasText: reference })).toContainText(d['status.resolved']);
    // An agent asking for the figures by address is told they are for leads.
    await page.goto(`${server.url}/desk/figures`);
    await expect(page.getByText(d['figures.leads_only'])).toBeVisible();
    await expectNoAxeViolations(page, 'desk figures refused to an agent');
    // An address the desk does not know says so, with the way back.
    await page.goto(`${server.url}/desk/no-such-screen`);
    await expect(heading(page)).toHaveText(d['title.not_found']);
    await expect(heading(page)).toBeFocused();
    await expect(page.getByRole('main').getByRole('link', { name: d['nav.inbox'] })).toBeVisible();
    await expectNoAxeViolations(page, 'desk address not found');
  });
});

test.describe('on a tablet held upright', () => {
  test.use({ locale: 'en-GB', viewport: { width: 768, height: 1024 }, hasTouch: true });
  const d = desk.en;

  test('every screen fits the width without sideways scrolling and stays axe-clean', async ({ page, server }, testInfo) => {
    const reference = await customerFiles(page, server, 'The oven door seal is torn at the top left corner.', { photo: true });
    addStaff(server, 'lina', 'lead', PASSWORD);
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await page.goto(`${server.url}/desk/`);
    await page.getByLabel(d['signin.login']).fill('lina');
    await page.getByLabel(d['signin.password']).fill(PASSWORD);
    await page.getByRole('button', { name: d['signin.submit'] }).click();
    await expect(page.getByRole('link', { name: reference })).toBeVisible();
    expect(await fits(), 'the inbox fits').toBe(true);
    await expectNoAxeViolations(page, 'desk inbox on a tablet');
    await page.screenshot({ path: testInfo.outputPath('inbox.png'), fullPage: true });
    await page.getByRole('link', { name: reference }).click();
    await expect(heading(page)).toHaveText(fill(d['request.heading'], { reference }));
    expect(await fits(), 'the request fits').toBe(true);
    // The photo, through the staff photo route, and the warranty as judged.
    const photo = page.getByRole('img', { name: fill(d['photo.alt'], { n: 1, count: 1 }) });
    await expect(photo).toHaveAttribute('src', new RegExp(`^/api/v1/staff/requests/${reference}/photos/[0-9a-f-]+$`));
    await expect.poll(() => photo.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await expect(page.getByText(/In warranty until/)).toBeVisible();
    await expectNoAxeViolations(page, 'desk request on a tablet');
    await page.screenshot({ path: testInfo.outputPath('request.png'), fullPage: true });
    await page.getByRole('link', { name: d['nav.figures'] }).click();
    await expect(page.locator('#rate-follow-up')).toBeVisible();
    expect(await fits(), 'the figures fit').toBe(true);
    await expectNoAxeViolations(page, 'desk figures on a tablet');
    await page.screenshot({ path: testInfo.outputPath('figures.png'), fullPage: true });
  });
});

test.describe('left open', () => {
  test.use({ locale: 'en-GB' });
  const d = desk.en;

  test('an emergency filed in another browser shows on the open desk at once, and after a server restart', async ({ page, server, browser }) => {
    addStaff(server, 'lina', 'lead', PASSWORD);
    await page.goto(`${server.url}/desk/`);
    await page.getByLabel(d['signin.login']).fill('lina');
    await page.getByLabel(d['signin.password']).fill(PASSWORD);
    await page.getByRole('button', { name: d['signin.submit'] }).click();
    await expect(page.getByText(d['inbox.empty'])).toBeVisible();
    const desk = page.url();

    // A customer in a second browser files an emergency; nobody touches the desk.
    const customer = await otherDevice(browser, { locale: 'en-GB', serviceWorkers: 'block' });
    const other = await customer.context.newPage();
    await other.goto(server.url);
    const file = (key) => other.evaluate(async (key) => {
      const answer = await fetch('/api/v1/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({
          intent: 'complaint', category: 'emergency', product_line: 'appliance', full_name: 'Wu Min',
          phone: '139 1234 5678', danger: 'yes', resolution: 'repair',
          description: 'The water heater gave someone a shock when they touched the tap.',
        }),
      });
      return (await answer.json()).reference;
    }, key);
    const first = await file('live-desk-emergency-1');
    await expect(page.getByRole('link', { name: first })).toBeVisible({ timeout: 2_000 });
    expect(page.url(), 'no reload, no navigation').toBe(desk);

    // The server restarts; the desk's stream comes back by itself and misses nothing.
    await server.restart();
    const second = await file('live-desk-emergency-2');
    await expect(page.getByRole('link', { name: second })).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('link', { name: first })).toBeVisible();
    await customer.close();
  });
});

test.describe('what the customer tried', () => {
  test.use({ locale: 'zh-CN' });

  test('the transcript reads in the staff member\'s words, not node ids', async ({ page, server }) => {
    const flow = JSON.parse(readFileSync(new URL('../../static/flows/network.json', import.meta.url), 'utf8'));
    const node = (id) => flow.nodes.find((n) => n.id === id);
    const created = await fetch(`${server.url}/api/v1/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'desk-transcript-1' },
      body: JSON.stringify({
        intent: 'repair', product_line: 'network', full_name: '赵工', phone: PHONE,
        purchase_date_unknown: 'yes', serial_number: 'SW-24-0001', resolution: 'onsite_visit',
        address: '上海市浦东新区张江路 88 号机房', description: '核心交换机到汇聚层的光纤链路断开，端口指示灯不亮。',
        troubleshooting: {
          flow_id: 'network', flow_version: flow.version, outcome: 'svc_onsite',
          steps: [{ node: 'what', answer: 'fibre', at_ms: 1 }, { node: 'fibre_q', answer: 'other', at_ms: 2 }],
        },
      }),
    });
    expect(created.status).toBe(201);
    const { reference } = await created.json();
    addStaff(server, 'lina', 'lead', PASSWORD);
    const d = desk['zh-CN'];
    await page.goto(`${server.url}/desk/requests/${reference}`);
    await page.getByLabel(d['signin.login']).fill('lina');
    await page.getByLabel(d['signin.password']).fill(PASSWORD);
    await page.getByRole('button', { name: d['signin.submit'] }).click();
    const tried = page.locator('section[aria-labelledby="h-tried"]');
    await expect(tried.locator('li')).toHaveText([
      `${node('what').text['zh-CN']} → ${node('what').answers.find((a) => a.id === 'fibre').label['zh-CN']}`,
      `${node('fibre_q').text['zh-CN']} → ${node('fibre_q').answers.find((a) => a.id === 'other').label['zh-CN']}`,
    ]);
    await expect(tried).toContainText(flow.title['zh-CN']);
    await expect(tried).toContainText(node('svc_onsite').text['zh-CN']);
    await expect(tried).not.toContainText('fibre_q');
    await expectNoAxeViolations(page, 'desk transcript');

    // In English, the same walk in English.
    await page.getByRole('button', { name: d['lang.switch'] }).click();
    await expect(tried.locator('li').first()).toHaveText(`${node('what').text.en} → ${node('what').answers.find((a) => a.id === 'fibre').label.en}`);
  });
});

test.describe('a page at a time', () => {
  test.use({ locale: 'en-GB' });

  test('the inbox shows a hundred, "show more" adds the rest by keyboard, and a change keeps what was loaded', async ({ page, server }) => {
    const d = desk.en;
    const file = (n) => fetch(`${server.url}/api/v1/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `desk-page-${n}` },
      body: JSON.stringify({
        intent: 'repair', product_line: 'appliance', full_name: `Customer ${n}`, phone: PHONE,
        purchase_date_unknown: 'yes', resolution: 'repair', serial_number: `DW-${1000 + n}`,
        description: `The dishwasher number ${n} does not drain; water stays in the tub.`,
      }),
    }).then(async (answer) => {
      expect(answer.status, await answer.clone().text()).toBe(201);
      return (await answer.json()).reference;
    });
    const filed = [];
    for (let n = 0; n < 102; n += 17) {
      filed.push(...await Promise.all(Array.from({ length: Math.min(17, 102 - n) }, (_, i) => file(n + i))));
    }
    addStaff(server, 'lina', 'lead', PASSWORD);
    await page.goto(`${server.url}/desk/`);
    await page.getByLabel(d['signin.login']).fill('lina');
    await page.getByLabel(d['signin.password']).fill(PASSWORD);
    await page.getByRole('button', { name: d['signin.submit'] }).click();

    const rows = page.locator('table.inbox tbody tr');
    const total = page.locator('p.total');
    await expect(total).toHaveText(fill(d['inbox.total'], { shown: 100, total: 102 }));
    await expect(rows).toHaveCount(100);
    await expectNoAxeViolations(page, 'desk inbox with more to show');

    const more = page.getByRole('button', { name: d['inbox.more'] });
    await more.focus();
    await page.keyboard.press('Enter');
    await expect(total).toHaveText(fill(d['inbox.total'], { shown: 102, total: 102 }));
    await expect(rows).toHaveCount(102);
    await expect(more).toHaveCount(0);
    const listed = await page.locator('table.inbox tbody a.ref').allTextContents();
    expect(new Set(listed).size, 'each request once').toBe(102);
    expect(new Set(listed)).toEqual(new Set(filed));

    // A request filed now reaches the open desk; the list is read again as far as it was loaded.
    const late = await file(102);
    await expect(total).toHaveText(fill(d['inbox.total'], { shown: 103, total: 103 }), { timeout: 5_000 });
    await expect(page.getByRole('link', { name: late })).toBeVisible();
    await expectNoAxeViolations(page, 'desk inbox, every page shown');
  });
});

test.describe('what was sent', () => {
  test.use({
    locale: 'en-GB',
    // An SMTP relay that is not there: the notice waits and says why.
    serverArgs: ['--public-url', 'http://127.0.0.1', '--smtp-url', 'smtp://127.0.0.1:9', '--mail-from', 'Service <service@example.cn>', '--notice-retry-seconds', '1'],
  });

  test('a request shows each notice, to whom, and why it has not gone yet', async ({ page, server }) => {
    const d = desk.en;
    const created = await fetch(`${server.url}/api/v1/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'desk-notices-1' },
      body: JSON.stringify({
        intent: 'repair', product_line: 'appliance', full_name: 'Wu Min', phone: PHONE,
        email: 'wu.min@example.com', notify: ['email'], language: 'en', serial_number: 'DW-77',
        purchase_date_unknown: 'yes', resolution: 'repair', description: 'The dishwasher does not drain.',
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { reference } = await created.json();
    addStaff(server, 'lina', 'lead', PASSWORD);
    await page.goto(`${server.url}/desk/requests/${reference}`);
    await page.getByLabel(d['signin.login']).fill('lina');
    await page.getByLabel(d['signin.password']).fill(PASSWORD);
    await page.getByRole('button', { name: d['signin.submit'] }).click();
    const sent = page.locator('section[aria-labelledby="h-notices"]');
    await expect(sent).toContainText(d['notice.none']);

    await page.getByLabel(d['action.reply_text']).fill('An engineer will call you today.');
    await page.getByRole('button', { name: d['action.reply_submit'] }).click();
    await expect(page.getByText(d['saved.reply'])).toBeVisible();
    const row = sent.locator('tbody tr');
    await expect(row).toHaveCount(1);
    await expect(row.locator('th')).toHaveText(d['notice_kind.replied']);
    await expect(row).toContainText(`${d['channel.email']} · wu.min@example.com`);
    // The relay refuses the connection: the try is counted and the reason shown, live.
    await expect(row).toContainText(`${d['notice_state.queued']}: `, { timeout: 10_000 });
    await expect(row.locator('td').last()).not.toHaveText('0', { timeout: 10_000 });
    await expectNoAxeViolations(page, 'desk request with its notices');
  });
});

test.describe('personal data, in English', () => {
  test.use({ locale: 'en-GB' });
  const d = desk.en;

  test('a lead erases a customer\'s data by keyboard after a confirmation, and the audit trail shows the view and the erasure', async ({ page, server }) => {
    const reference = await customerFiles(page, server, 'The fridge door seal is torn along the hinge.');
    addStaff(server, 'li.na', 'lead', PASSWORD);
    const keys = (key) => page.keyboard.press(key);
    await page.goto(`${server.url}/desk/`);
    await tabTo(page, page.getByLabel(d['signin.login']));
    await page.keyboard.type('li.na');
    await keys('Tab');
    await page.keyboard.type(PASSWORD);
    await keys('Enter');
    await expect(heading(page)).toHaveText(d['inbox.heading']);
    // Opening the request is on the trail.
    await tabTo(page, page.getByRole('link', { name: reference }));
    await keys('Enter');
    await expect(heading(page)).toHaveText(fill(d['request.heading'], { reference }));
    // The heading comes from the address; the view is on the trail once the record is read.
    await expect(page.getByText('The fridge door seal is torn along the hinge.')).toBeVisible();

    await tabTo(page, page.getByRole('link', { name: d['nav.privacy'] }));
    await keys('Enter');
    await expect(heading(page)).toHaveText(d['privacy.heading']);
    await expect(page).toHaveTitle(`${d['title.privacy']} · ${d['app.name']}`);
    const trail = page.locator('table.audit tbody tr');
    await expect(trail.first()).toContainText(d['audit_action.view']);
    await expect(trail.first()).toContainText(reference);
    await expectNoAxeViolations(page, 'personal data');

    // Nothing typed: said at the field, nothing asked.
    await tabTo(page, page.getByRole('button', { name: d['privacy.erase'] }));
    await keys('Enter');
    await expect(page.getByText(d['privacy.contact_missing'])).toBeVisible();
    await tabTo(page, page.getByLabel(d['privacy.contact']));
    await page.keyboard.type(PHONE);
    await keys('Enter');
    const confirm = page.getByRole('button', { name: d['privacy.confirm_yes'] });
    await expect(page.getByText(fill(d['privacy.confirm'], { contact: PHONE }))).toBeVisible();
    await expect(confirm).toBeFocused();
    await expectNoAxeViolations(page, 'personal data, confirming an erasure');
    // Cancel first: nothing erased, back at the field.
    await keys('Tab');
    await keys('Enter');
    await expect(confirm).toHaveCount(0);
    await expect(page.getByLabel(d['privacy.contact'])).toBeFocused();
    expect(server.rows('SELECT full_name FROM requests')).toEqual([['Wu Min']]);

    await keys('Enter');
    await expect(confirm).toBeFocused();
    await keys('Enter');
    await expect(page.getByText(fill(d['privacy.erased'], { count: 1 }))).toBeVisible();
    await expect(trail.first()).toContainText(d['audit_action.erasure']);
    await expect(trail.first()).toContainText(reference);
    expect(server.rows('SELECT full_name, phone, description FROM requests')).toEqual([['', '', '']]);
    expect(server.rows('SELECT count(*) FROM photos')).toEqual([[0]]);
    await expectNoAxeViolations(page, 'personal data after an erasure');
  });
});

test.describe('two agents on one request', () => {
  test.use({ locale: 'en-GB' });

  test('each sees that the other is typing a reply, and it goes when they stop', async ({ page, server, browser }) => {
    const d = desk.en;
    const created = await fetch(`${server.url}/api/v1/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'desk-typing-1' },
      body: JSON.stringify({
        intent: 'repair', product_line: 'appliance', full_name: 'Wu Min', phone: PHONE, serial_number: 'DW-88',
        purchase_date_unknown: 'yes', resolution: 'repair', description: 'The dryer will not heat.',
      }),
    });
    expect(created.status).toBe(201);
    const { reference } = await created.json();
    addStaff(server, 'lina', 'lead', PASSWORD);
    addStaff(server, 'wang', 'agent', PASSWORD);
    const open = async (p, login) => {
      await p.goto(`${server.url}/desk/requests/${reference}`);
      await p.getByLabel(d['signin.login']).fill(login);
      await p.getByLabel(d['signin.password']).fill(PASSWORD);
      await p.getByRole('button', { name: d['signin.submit'] }).click();
      await expect(p.getByLabel(d['action.reply_text'])).toBeVisible();
    };
    const other = await otherDevice(browser, { locale: 'en-GB' });
    const colleague = await other.context.newPage();
    await open(page, 'lina');
    await open(colleague, 'wang');

    const typing = page.locator('p.typing');
    await expect(typing).toHaveText('');
    await colleague.getByLabel(d['action.reply_text']).pressSequentially('We will ', { delay: 50 });
    await expect(typing).toHaveText(fill(d['request.typing'], { login: 'wang' }), { timeout: 2_000 });
    // Their own desk does not say they are typing.
    await expect(colleague.locator('p.typing')).toHaveText('');
    await expectNoAxeViolations(page, 'desk request with a colleague typing');
    // They stop: it goes.
    await expect(typing).toHaveText('', { timeout: 10_000 });
    await other.close();
  });
});
