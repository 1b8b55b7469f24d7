// The engineer's app at /field/ (issue 27) against the real server: a lead books a visit on
// the dispatch board; the engineer's tablet (a second browser context, touch, tablet-sized)
// signs in, opens the visit with signal, loses it, reloads (the shell from the service
// worker, the visit from IndexedDB), files the report with a drawn signature and sees it
// queued; with signal back it is sent once and joined to the visit. The database and the
// customer's status page are read after; axe runs on each screen. A second report is filed
// by keyboard alone, the customer not present.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { test, expect, expectNoAxeViolations, messages, addStaff, fill, heading, tabTo, otherDevice, serviceWorkerInControl, onSite, noisyPng } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
const desk = read('dist/desk/i18n/zh-CN.json');
const field = { en: read('dist/field/i18n/en.json'), 'zh-CN': read('dist/field/i18n/zh-CN.json') };
const PASSWORD = 'correct horse battery staple';
// A tablet, its service worker allowed (the config blocks them elsewhere).
const TABLET = { viewport: { width: 1024, height: 768 }, hasTouch: true, serviceWorkers: 'allow' };

/** The engineer's tablet at /field/, signed in by keyboard. */
async function signedInTablet(browser, server, locale, login) {
  const device = await otherDevice(browser, { locale, ...TABLET });
  const tablet = await device.context.newPage();
  const f = field[locale === 'en-GB' ? 'en' : 'zh-CN'];
  await tablet.goto(`${server.url}/field`);
  await expect(tablet).toHaveURL(`${server.url}/field/`);
  await expect(heading(tablet)).toHaveText(f['signin.heading']);
  await expectNoAxeViolations(tablet, 'the field sign-in');
  await tabTo(tablet, tablet.getByLabel(f['signin.login']));
  await tablet.keyboard.type(login);
  await tabTo(tablet, tablet.getByLabel(f['signin.password']));
  await tablet.keyboard.type(PASSWORD);
  await tablet.keyboard.press('Enter');
  await expect(heading(tablet)).toHaveText(f['visits.heading']);
  return { device, tablet, f };
}

/** Signs `login` in on the sign-in screen showing on `tablet` (by pointer: the keyboard's own
 *  path is signedInTablet's). */
async function signInByForm(tablet, f, login) {
  await tablet.getByLabel(f['signin.login']).fill(login);
  await tablet.getByLabel(f['signin.password']).fill(PASSWORD);
  await tablet.getByRole('button', { name: f['signin.submit'] }).click();
}

// The lead's desk in Chinese; each tablet says its own language.
test.use({ locale: 'zh-CN' });

/** A message with `{name}` filled in by anything: what the screen says around a time. */
const said = (template, name) => new RegExp(`^${template.split(`{${name}}`).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);

/** The lead (wang.fang) books `engineer` on `reference` today, `hour`:00–`hour`:30 UTC, through the API. */
async function bookToday(server, reference, engineer = 'zhao.gong', hour = '00') {
  const lead = await fetch(`${server.url}/api/v1/staff/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ login: 'wang.fang', password: PASSWORD }),
  });
  const cookie = lead.headers.get('set-cookie').split(';')[0];
  const day = new Date().toISOString().slice(0, 10);
  const booked = await fetch(`${server.url}/api/v1/staff/requests/${reference}/events`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: server.url },
    body: JSON.stringify({ kind: 'visit', engineer, from: `${day}T${hour}:00:00Z`, to: `${day}T${hour}:30:00Z`, note: '' }),
  });
  expect(booked.status).toBe(201);
}

/** How many visit lists and requests the tablet keeps (customers' names, phones, addresses). */
const keptOfCustomers = (tablet) => tablet.evaluate(() => new Promise((resolve, reject) => {
  const open = indexedDB.open('shouhou-field');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction(['visits', 'requests']);
    const counts = ['visits', 'requests'].map((name) => tx.objectStore(name).count());
    tx.oncomplete = () => { resolve(counts.map((c) => c.result)); open.result.close(); };
  };
}));

/** Writes `value` as it is under `key` in one of the tablet's stores ('put'), reads it ('get'), or lists a store's keys ('keys'). */
const storage = (tablet, op, store, key, value) => tablet.evaluate(([op, store, key, value]) => new Promise((resolve, reject) => {
  const open = indexedDB.open('shouhou-field');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction([store], op === 'put' ? 'readwrite' : 'readonly');
    const request = { put: () => tx.objectStore(store).put(value, key), get: () => tx.objectStore(store).get(key), keys: () => tx.objectStore(store).getAllKeys() }[op]();
    tx.oncomplete = () => { resolve(request.result); open.result.close(); };
    tx.onerror = () => reject(tx.error);
  };
}), [op, store, key, value]);

/** Fills the open visit's report (fixed, the customer not present) and files it. */
/** The server as the tablet meets it refusing every POST to `url` with a JSON error. */
async function refusePosts(device, url, status, code, message) {
  await device.context.route(url, (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ code, message }) })
    : route.continue()));
}

/** zhao.gong's visit to `name`, its report filed on the tablet while the server refuses
 *  (`refusal`: refusePosts's url, status, code and message), the queue saying so. */
async function filedAndRefused(server, browser, name, cause, [url, status, code, message]) {
  const { visitId } = await bookedForZhao(server, name);
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  await refusePosts(device, url, status, code, message);
  await tablet.getByRole('link', { name }).click();
  await fileFixed(tablet, f, cause);
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.refused'], { message }));
  return { visitId, device, tablet, f };
}

async function fileFixed(tablet, f, cause) {
  await tablet.locator('[name="fault_cause"]').fill(cause);
  await tablet.locator('[name="result"][value="fixed"]').check();
  await tablet.locator('[name="customer_not_present"]').check();
  await tablet.locator('[name="not_present_reason"]').fill('Out at the bank');
  await tablet.getByRole('button', { name: f['report.submit'] }).click();
}

/** The id of the visit booked on `reference`. */
const visitIdOf = (server, reference) =>
  server.rows(`SELECT visits.id FROM visits JOIN requests ON requests.id = visits.request_id WHERE requests.reference = '${reference}'`)[0][0];

/** The lead, the engineer zhao.gong, and an on-site request of `name`'s booked for him today. */
async function bookedForZhao(server, name) {
  addStaff(server, 'wang.fang', 'lead', PASSWORD);
  addStaff(server, 'zhao.gong', 'engineer', PASSWORD);
  const reference = await onSite(server, name);
  await bookToday(server, reference);
  return { reference, visitId: visitIdOf(server, reference) };
}

/** An on-site request of `name`'s with a photo the customer took (64 × 48): its reference and the photo's id. */
async function onSiteWithPhoto(server, name, seed) {
  const png = noisyPng(64, 48, seed);
  const photo = randomUUID();
  const form = new FormData();
  form.append('request', JSON.stringify({
    intent: 'repair', product_line: 'inverter', full_name: name, phone: '138 1234 5678',
    purchase_date_unknown: 'yes', serial_number: `INV-PHOTO-${seed}`, resolution: 'onsite_visit',
    address: '苏州工业园区星湖街 328 号 3 号厂房', description: '变频器显示 OC1，照片是面板上的故障代码',
    photos: [{ id: photo, content_type: 'image/png', bytes: png.length, width: 64, height: 48 }],
  }));
  form.append('photo', new Blob([png], { type: 'image/png' }), photo);
  const answer = await fetch(`${server.url}/api/v1/requests`, { method: 'POST', headers: { 'idempotency-key': randomUUID() }, body: form });
  const body = await answer.json();
  expect(answer.status, JSON.stringify(body)).toBe(201);
  return { reference: body.reference, photo };
}

/** The photos the tablet's service worker keeps, by path, sorted. */
const keptPhotos = (tablet) => tablet.evaluate(async () => {
  if (!(await caches.has('field-photos'))) return null;
  const kept = await (await caches.open('field-photos')).keys();
  return kept.map((request) => new URL(request.url).pathname).sort();
});

const reports = (server) => server.rows(`SELECT reference, status FROM requests WHERE intent = 'onsite_report'`);

test('a visit booked on the board is reported offline on the tablet and sent once', async ({ page, server, browser }) => {
  test.setTimeout(120_000);
  addStaff(server, 'wang.fang', 'lead', PASSWORD);
  addStaff(server, 'zhao.gong', 'engineer', PASSWORD);
  const reference = await onSite(server, '王建国');

  // The lead books it on the dispatch board, by keyboard, 09:00–11:00 today.
  const signedIn = await page.request.post(`${server.url}/api/v1/staff/session`, { data: { login: 'wang.fang', password: PASSWORD } });
  expect(signedIn.status()).toBe(204);
  await page.goto(`${server.url}/desk/board`);
  await expect(heading(page)).toHaveText(desk['board.heading']);
  await tabTo(page, page.locator('section.waiting').getByRole('button', { name: fill(desk['board.book'], { name: '王建国' }) }));
  await page.keyboard.press('Enter');
  const select = page.getByLabel(desk['board.engineer'], { exact: true });
  await expect(select).toBeFocused();
  await page.keyboard.type('zh');
  await expect(select).toHaveValue('zhao.gong');
  for (const [label, time] of [['action.visit_from', '09:00'], ['action.visit_to', '11:00']]) {
    await tabTo(page, page.getByLabel(desk[label], { exact: true }));
    await page.keyboard.type(time);
  }
  await tabTo(page, page.getByRole('button', { name: desk['action.visit_submit'], exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.locator('p.ok[role="status"]')).toHaveText(desk['saved.visit']);
  const visitId = visitIdOf(server, reference);

  // The tablet, with signal: the visit is listed under today, and every listed visit's
  // request is kept for offline use.
  const { device, tablet, f } = await signedInTablet(browser, server, 'zh-CN', 'zhao.gong');
  const today = tablet.getByRole('region', { name: f['visits.today'] });
  await expect(today.getByRole('link')).toContainText(['09:00–11:00']);
  await expect(today.getByRole('link')).toContainText(['王建国']);
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 1 }));
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }));
  await expectNoAxeViolations(tablet, 'the visit list');
  await serviceWorkerInControl(tablet);

  await today.getByRole('link').first().click();
  await expect(tablet).toHaveURL(`${server.url}/field/visits/${visitId}`);
  await expect(heading(tablet)).toContainText('王建国');
  await expect(tablet.getByText(reference)).toBeVisible();
  // Prefilled from the request and the visit.
  await expect(tablet.locator('[name="full_name"]')).toHaveValue('王建国');
  await expect(tablet.locator('[name="site"]')).toHaveValue('苏州工业园区星湖街 328 号 3 号厂房');
  await expect(tablet.locator('[name="arrival_at"]')).toHaveValue(/T09:00$/);
  await expectNoAxeViolations(tablet, 'a visit with signal');

  // No signal: the page comes from the service worker, the visit from IndexedDB.
  await device.context.setOffline(true);
  await tablet.reload();
  await expect(heading(tablet)).toContainText('王建国');
  await expect(tablet.locator('.provenance')).toHaveText(said(f['visits.offline'], 'time'));
  await tablet.locator('[name="fault_cause"]').fill('输出侧电缆绝缘破损，对地短路导致 OC1');
  await tablet.locator('[name="result"][value="fixed"]').check();
  await tablet.locator('[name="signoff_name"]').fill('王建国');
  const pad = tablet.locator('canvas#f-signature');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const stroke = async (points) => {
    await tablet.mouse.move(box.x + 20, box.y + 40);
    await tablet.mouse.down();
    for (const [x, y] of points) await tablet.mouse.move(box.x + x, box.y + y, { steps: 4 });
    await tablet.mouse.up();
  };
  /** The drawings the tablet keeps, and the one the visit's draft names. */
  const drawings = async () => [await storage(tablet, 'keys', 'photos'), (await storage(tablet, 'get', 'drafts', String(visitId)))?.fields.signature];
  await stroke([[80, 90], [140, 30]]);
  await expect(tablet.getByTestId('signature-status')).toHaveText(messages['zh-CN']['signature.signed']);
  // Each stroke redraws the signature: the drawing it replaces leaves the tablet, and so
  // does a cleared one; only the one the draft names is kept.
  await stroke([[220, 100], [300, 50]]);
  await expect.poll(async () => { const [keys, named] = await drawings(); return keys.length === 1 && keys[0] === named; }).toBe(true);
  await tablet.getByRole('button', { name: messages['zh-CN']['signature.clear'] }).click();
  await expect.poll(drawings).toEqual([[], '']);
  await stroke([[80, 90], [140, 30], [220, 100], [300, 50]]);
  await expect(tablet.getByTestId('signature-status')).toHaveText(messages['zh-CN']['signature.signed']);
  await expect.poll(async () => { const [keys, named] = await drawings(); return keys.length === 1 && keys[0] === named; }).toBe(true);
  // Drafted as typed: a reload (still offline) keeps it all.
  await expect(async () => {
    await tablet.reload();
    await expect(tablet.locator('[name="fault_cause"]')).toHaveValue('输出侧电缆绝缘破损，对地短路导致 OC1', { timeout: 2000 });
  }).toPass();
  await expect(tablet.locator('[name="result"][value="fixed"]')).toBeChecked();
  await expect(tablet.getByTestId('signature-status')).toHaveText(messages['zh-CN']['signature.signed']);
  await expectNoAxeViolations(tablet, 'a visit offline, the report drafted');

  await tablet.getByRole('button', { name: f['report.submit'] }).click();
  await expect(heading(tablet)).toHaveText(f['visits.heading']);
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 1 }));
  // The list as the tablet kept it, saying so.
  await expect(tablet.getByTestId('provenance')).toHaveText(said(f['visits.offline'], 'time'));
  await expect(today.getByRole('link')).toContainText(['王建国']);
  await expect(tablet.getByTestId('queue').getByRole('link')).toContainText(reference);
  await expectNoAxeViolations(tablet, 'the list offline, a report queued');
  expect(reports(server)).toEqual([]);

  // Signal again: sent once, joined to the visit.
  await device.context.setOffline(false);
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }), { timeout: 30_000 });
  // The list reads itself again: from the server now, the visit done.
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 1 }));
  await expect(today).toContainText(f['visit.state.done']);
  const filed = reports(server);
  expect(filed.length).toBe(1);
  const [[report]] = filed;
  expect(server.rows(`SELECT state, report FROM visits WHERE id = ${visitId}`)).toEqual([['done', report]]);
  expect(server.rows(`SELECT status FROM requests WHERE reference = '${reference}'`)).toEqual([['resolved']]);
  expect(server.rows(`SELECT count(*) FROM events JOIN requests ON requests.id = events.request_id WHERE requests.reference = '${reference}' AND events.status = 'resolved'`)).toEqual([[1]]);
  expect(server.rows(`SELECT count(*) FROM photos JOIN requests ON requests.id = photos.request_id WHERE requests.reference = '${report}'`)).toEqual([[1]]);
  // Reloading with signal sends nothing more.
  await tablet.reload();
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 1 }));
  expect(reports(server).length).toBe(1);
  // Offline again, the visit is kept as done: no second report is offered.
  await device.context.setOffline(true);
  await tablet.goto(`${server.url}/field/visits/${visitId}`);
  await expect(tablet.getByRole('region', { name: f['report.heading'] })).toContainText(f['visit.state.done']);
  await expect(tablet.getByRole('button', { name: f['report.submit'] })).toHaveCount(0);
  await device.context.setOffline(false);
  await device.close();

  // The customer's status page says it is resolved.
  await page.goto(`${server.url}/status/${reference}`);
  await page.getByLabel(messages['zh-CN']['status.contact_label']).fill('13812345678');
  await page.getByRole('button', { name: messages['zh-CN']['status.check'] }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(messages['zh-CN']['status.current'], { status: messages['zh-CN']['status.state.resolved'] }));
});

test('the report is filed by keyboard alone, the customer not present', async ({ server, browser }) => {
  const { reference } = await bookedForZhao(server, 'Li Lei');

  // Someone who is not an engineer is told the app is for engineers, and where to go.
  const leadDevice = await otherDevice(browser, { locale: 'en-GB', ...TABLET });
  const leadTablet = await leadDevice.context.newPage();
  const en = field.en;
  await leadTablet.goto(`${server.url}/field/`);
  await signInByForm(leadTablet, en, 'wang.fang');
  await expect(heading(leadTablet)).toHaveText(en['not_engineer.heading']);
  await expect(leadTablet.getByRole('link', { name: en['not_engineer.desk'] })).toHaveAttribute('href', '/desk/');
  await expectNoAxeViolations(leadTablet, 'the field app for someone not an engineer');
  await leadDevice.close();

  const signedIn = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  const { device, f } = signedIn;
  let { tablet } = signedIn;
  const keys = (key) => tablet.keyboard.press(key);
  await tabTo(tablet, tablet.getByRole('link', { name: /Li Lei/ }));
  await keys('Enter');
  await expect(heading(tablet)).toContainText('Li Lei');
  await tabTo(tablet, tablet.locator('[name="fault_cause"]'));
  await tablet.keyboard.type('Cable insulation worn through');
  // The first result, chosen with the space bar.
  await tabTo(tablet, tablet.locator('[name="result"][value="fixed"]'));
  await keys('Space');
  await tabTo(tablet, tablet.locator('[name="customer_not_present"]'));
  await keys('Space');
  await tabTo(tablet, tablet.locator('[name="not_present_reason"]'));
  const reason = 'The customer was out; the caretaker let me in.';
  await tablet.keyboard.type(reason);
  // The tab closed the moment typing ends, without unload handling: nothing typed is lost.
  const address = tablet.url();
  await tablet.close({ runBeforeUnload: false });
  tablet = await device.context.newPage();
  await tablet.goto(address);
  await expect(tablet.locator('[name="not_present_reason"]')).toHaveValue(reason);
  await expect(tablet.locator('[name="customer_not_present"]')).toBeChecked();
  await tabTo(tablet, tablet.getByRole('button', { name: f['report.submit'] }));
  await keys('Enter');
  await expect(heading(tablet)).toHaveText(f['visits.heading']);
  // The keyboard goes on from the list's heading, not from nowhere.
  await expect(heading(tablet)).toBeFocused();
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }), { timeout: 30_000 });
  await expectNoAxeViolations(tablet, 'the list after a report was sent');
  // Signing out leaves nothing of the customers on the tablet.
  const kept = () => keptOfCustomers(tablet);
  expect(await kept()).toEqual([1, 1]);
  await tablet.getByRole('button', { name: f['nav.sign_out'] }).click();
  await expect(heading(tablet)).toHaveText(f['signin.heading']);
  expect(await kept()).toEqual([0, 0]);
  expect(server.rows(`SELECT status FROM requests WHERE reference = '${reference}'`)).toEqual([['resolved']]);
  expect(server.rows(`SELECT state FROM visits JOIN requests ON requests.id = visits.request_id WHERE requests.reference = '${reference}'`)).toEqual([['done']]);
  await device.close();
});

test('parts needed: the day they are expected is asked for, and the request waits for them', async ({ server, browser }) => {
  const { reference } = await bookedForZhao(server, 'Han Mei');
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  await tablet.getByRole('link', { name: /Han Mei/ }).click();
  await tablet.locator('[name="fault_cause"]').fill('IGBT module burnt out');
  await tablet.locator('[name="parts_needed"]').fill('IGBT module x1');
  await tablet.locator('[name="result"][value="needs_parts"]').check();
  await tablet.locator('[name="signoff_name"]').fill('Han Mei');
  await tablet.locator('[name="customer_not_present"]').check();
  await tablet.locator('[name="not_present_reason"]').fill('Out at the bank');
  await tablet.getByRole('button', { name: f['report.submit'] }).click();
  await expect(tablet.getByLabel(f['report.parts_expected_on'])).toBeFocused();
  await expect(tablet.locator('#parts-expected-on-error')).toHaveText(f['report.parts_expected_on.required']);
  await expectNoAxeViolations(tablet, 'a report missing the day parts are expected');
  expect(reports(server)).toEqual([]);

  const expected = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await tablet.getByLabel(f['report.parts_expected_on']).fill(expected);
  await tablet.getByRole('button', { name: f['report.submit'] }).click();
  await expect(heading(tablet)).toHaveText(f['visits.heading']);
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }), { timeout: 30_000 });
  expect(reports(server).length).toBe(1);
  expect(server.rows(`SELECT status FROM requests WHERE reference = '${reference}'`)).toEqual([['waiting_parts']]);
  expect(server.rows(`SELECT state, parts_expected_on FROM visits JOIN requests ON requests.id = visits.request_id WHERE requests.reference = '${reference}'`))
    .toEqual([['done', expected]]);
  await device.close();
});

test('a tablet shared by two engineers sends the report each one queued only under their own session', async ({ server, browser }) => {
  test.setTimeout(120_000);
  addStaff(server, 'wang.fang', 'lead', PASSWORD);
  addStaff(server, 'zhao.gong', 'engineer', PASSWORD);
  addStaff(server, 'li.gong', 'engineer', PASSWORD);
  const zhaos = await onSite(server, 'Zhou Min');
  const lis = await onSite(server, 'Wu Lan');
  const zhaosNext = await onSite(server, 'Qin Shu');
  const zhaosLast = await onSite(server, 'Ma Chao');
  await bookToday(server, zhaos, 'zhao.gong');
  await bookToday(server, lis, 'li.gong');
  await bookToday(server, zhaosNext, 'zhao.gong', '01');
  await bookToday(server, zhaosLast, 'zhao.gong', '02');
  const [zhaosVisit, zhaosNextVisit] = [visitIdOf(server, zhaos), visitIdOf(server, zhaosNext)];
  const visitOf = (reference) => server.rows(`SELECT visits.state FROM visits JOIN requests ON requests.id = visits.request_id WHERE requests.reference = '${reference}'`);
  const report = async (tablet, f, cause) => {
    await fileFixed(tablet, f, cause);
    await expect(heading(tablet)).toHaveText(f['visits.heading']);
  };
  const signIn = async (tablet, f, login) => {
    await expect(heading(tablet)).toHaveText(f['signin.heading']);
    await signInByForm(tablet, f, login);
    await expect(heading(tablet)).toHaveText(f['visits.heading']);
  };

  // Zhao looks at his last visit and starts the report of his next with signal, opens the
  // first, loses the signal, reports it, and signs out with no signal.
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  await tablet.getByRole('link', { name: /Ma Chao/ }).click();
  await expect(tablet.locator('[name="full_name"]')).toHaveValue('Ma Chao');
  await tablet.goBack();
  await tablet.getByRole('link', { name: /Qin Shu/ }).click();
  await tablet.locator('[name="fault_cause"]').fill('Display board cracked');
  await expect.poll(() => storage(tablet, 'keys', 'drafts')).toEqual([String(zhaosNextVisit)]);
  await tablet.goBack();
  await tablet.getByRole('link', { name: /Zhou Min/ }).click();
  await expect(heading(tablet)).toContainText('Zhou Min');
  await expect(tablet.locator('[name="full_name"]')).toHaveValue('Zhou Min');
  await device.context.setOffline(true);
  await report(tablet, f, 'Loose terminal on the DC input');
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 1 }));
  await tablet.getByRole('link', { name: /Qin Shu/ }).click();
  await expect(tablet.locator('[name="full_name"]')).toHaveValue('Qin Shu');
  await tablet.goBack();
  await tablet.getByRole('button', { name: f['nav.sign_out'] }).click();
  // Signed out before the signal returns (else Zhao's own session would rightly send it).
  await expect(heading(tablet)).toHaveText(f['signin.heading']);
  // Nothing of the customers stays but what Zhao wrote: no kept visit or request, no
  // draft that was only the prefill; his draft and his queued report, to send.
  expect(await keptOfCustomers(tablet)).toEqual([0, 0]);
  expect(await storage(tablet, 'keys', 'drafts')).toEqual([String(zhaosNextVisit)]);
  expect(await storage(tablet, 'keys', 'outbox')).toEqual([String(zhaosVisit)]);
  const zhaosSessions = () => server.rows(`SELECT count(*) FROM staff_sessions JOIN staff ON staff.id = staff_sessions.staff_id WHERE staff.login = 'zhao.gong'`);
  expect(zhaosSessions()).toEqual([[1]]);

  // With signal, whoever opens the app next is not Zhao: the sign-out the server missed is
  // told to it first.
  await device.context.setOffline(false);
  await tablet.reload();
  await expect(heading(tablet)).toHaveText(f['signin.heading']);
  await expect.poll(zhaosSessions).toEqual([[0]]);

  // Li signs in on the same tablet with signal: Zhao's draft and report wait for him, only
  // counted (not whose customers they are); Li's own report goes.
  await signIn(tablet, f, 'li.gong');
  await expect(tablet.getByTestId('others-kept')).toHaveText(fill(f['queue.others_kept'], { count: 2 }));
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }));
  await expect(tablet.locator('main')).not.toContainText(/Zhou Min|Qin Shu/);
  await expectNoAxeViolations(tablet, 'the queue holding another engineer\'s report');
  await tablet.getByRole('link', { name: /Wu Lan/ }).click();
  await report(tablet, f, 'Fan blocked by dust');
  await expect.poll(() => visitOf(lis)).toEqual([['done']]);
  // Li's run went past Zhao's report without sending it.
  expect(reports(server).length).toBe(1);
  expect(visitOf(zhaos)).toEqual([['scheduled']]);
  await expect(tablet.getByTestId('others-kept')).toHaveText(fill(f['queue.others_kept'], { count: 2 }));

  // Back in Zhao's hands, his report is sent, once, under his session, and his draft is there.
  await tablet.getByRole('button', { name: f['nav.sign_out'] }).click();
  await signIn(tablet, f, 'zhao.gong');
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }), { timeout: 30_000 });
  await expect(tablet.getByTestId('others-kept')).toHaveCount(0);
  await tablet.getByRole('link', { name: /Qin Shu/ }).click();
  await expect(tablet.locator('[name="fault_cause"]')).toHaveValue('Display board cracked');
  expect(reports(server).length).toBe(2);
  expect(visitOf(zhaos)).toEqual([['done']]);
  expect(server.rows(`SELECT count(*) FROM requests WHERE intent = 'onsite_report' AND details_json LIKE '%Loose terminal%'`)).toEqual([[1]]);
  await device.close();
});

test('a browser that keeps nothing on the tablet says so, and a report is not filed to vanish', async ({ server, browser }) => {
  const { reference } = await bookedForZhao(server, 'Qian Hao');
  const device = await otherDevice(browser, { locale: 'en-GB', ...TABLET });
  // Storage switched off, as some managed tablets' WebViews have it.
  await device.context.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('IndexedDB is disabled', 'SecurityError'); } });
  });
  const tablet = await device.context.newPage();
  const f = field.en;
  await tablet.goto(`${server.url}/field/`);
  await signInByForm(tablet, f, 'zhao.gong');
  await expect(heading(tablet)).toHaveText(f['visits.heading']);
  await expect(tablet.getByRole('alert')).toHaveText(f['visits.no_storage']);
  await expectNoAxeViolations(tablet, 'the list on a browser that keeps nothing');
  await tablet.getByRole('link', { name: /Qian Hao/ }).click();
  await fileFixed(tablet, f, 'Relay contacts pitted');
  await expect(tablet.locator('form.report [role="alert"]')).toHaveText(f['report.no_storage']);
  await expect(tablet.locator('[name="fault_cause"]')).toHaveValue('Relay contacts pitted');
  expect(reports(server)).toEqual([]);
  await device.close();
});

test('a report sent while the list cannot be read again is not offered a second time', async ({ server, browser }) => {
  const { reference, visitId } = await bookedForZhao(server, 'Sun Li');
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  await tablet.getByRole('link', { name: /Sun Li/ }).click();
  // From here the list cannot be read again: the kept copy still says the visit is to do.
  await device.context.route('**/api/v1/staff/visits?*', (route) => route.abort('connectionreset'));
  await fileFixed(tablet, f, 'Fuse blown');
  await expect.poll(() => server.rows(`SELECT state FROM visits WHERE id = ${visitId}`)).toEqual([['done']]);
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }));
  await tablet.goto(`${server.url}/field/visits/${visitId}`);
  await expect(tablet.getByText(f['visit.state.done'], { exact: true })).toBeVisible();
  await expect(tablet.getByRole('button', { name: f['report.submit'] })).toHaveCount(0);
  expect(reports(server).length).toBe(1);

  // The session runs out while the app is closed: the next start forgets the customers too.
  await device.context.unroute('**/api/v1/staff/visits?*');
  expect((await keptOfCustomers(tablet))[1]).toBeGreaterThan(0);
  server.sql(`DELETE FROM staff_sessions`);
  await tablet.reload();
  await expect(heading(tablet)).toHaveText(f['signin.heading']);
  expect(await keptOfCustomers(tablet)).toEqual([0, 0]);
  await device.close();
});

test('a damaged draft or queued report is set aside as it was and the list says so', async ({ server, browser }) => {
  const { reference, visitId } = await bookedForZhao(server, 'Zheng Yu');
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  await expect(tablet.getByRole('link', { name: /Zheng Yu/ })).toBeVisible();
  await storage(tablet, 'put', 'outbox', '999', '{"visit": 999, "fields": {"full_name"');
  await storage(tablet, 'put', 'drafts', String(visitId), '{"fields": 42}');
  await tablet.reload();
  await expect(tablet.getByRole('alert')).toHaveText(fill(f['visits.unreadable'], { count: 1 }));
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }));
  expect(await storage(tablet, 'keys', 'outbox')).toEqual(['unreadable.999']);
  await expectNoAxeViolations(tablet, 'the list saying what could not be read');

  // The visit's damaged draft: the form starts from the request again, the draft kept aside.
  await tablet.getByRole('link', { name: /Zheng Yu/ }).click();
  await expect(tablet.locator('[name="full_name"]')).toHaveValue('Zheng Yu');
  expect(await storage(tablet, 'keys', 'drafts')).toContain(`unreadable.${visitId}`);
  await tablet.goBack();
  await expect(tablet.getByRole('alert')).toHaveText(fill(f['visits.unreadable'], { count: 2 }));
  await device.close();
});

test('a report the server refuses to store comes back to be edited and filed again, once', async ({ server, browser }) => {
  const message = 'fault_cause: name the part that failed';
  const { visitId, device, tablet, f } = await filedAndRefused(server, browser, 'Feng Yi', 'Broken',
    ['**/api/v1/requests', 422, 'invalid_request', message]);
  await device.context.unroute('**/api/v1/requests');

  await tablet.getByRole('link', { name: /Feng Yi/ }).first().click();
  await expect(tablet.getByRole('alert')).toHaveText(fill(f['visit.report_refused'], { message }));
  await expectNoAxeViolations(tablet, 'a visit whose report the server refused');
  await tablet.getByRole('button', { name: f['visit.edit_again'] }).click();
  await expect(tablet.locator('[name="fault_cause"]')).toHaveValue('Broken');
  await tablet.locator('[name="fault_cause"]').fill('Contactor coil open circuit');
  await tablet.getByRole('button', { name: f['report.submit'] }).click();
  await expect.poll(() => server.rows(`SELECT state FROM visits WHERE id = ${visitId}`)).toEqual([['done']]);
  expect(reports(server).length).toBe(1);
  expect(server.rows(`SELECT count(*) FROM requests WHERE intent = 'onsite_report' AND details_json LIKE '%Contactor coil%'`)).toEqual([[1]]);
  await device.close();
});

test('on one bar of signal a read that never ends gives up and the kept list shows', async ({ server, browser }) => {
  await bookedForZhao(server, 'Lu Ping');
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 1 }));
  // The server is reached but never answers (the signal comes and goes on one bar).
  await device.context.route('**/api/v1/staff/**', () => {});
  await tablet.reload();
  // The session look-up and the list each run out of time: the list as the tablet kept it.
  await expect(tablet.getByTestId('provenance')).toHaveText(said(f['visits.offline'], 'time'), { timeout: 30_000 });
  await expect(tablet.getByRole('link', { name: /Lu Ping/ })).toBeVisible();
  await expectNoAxeViolations(tablet, 'the kept list after a read ran out of time');
  await device.close();
});

test('a report queued in one language is sent in the one the engineer switched to', async ({ server, browser }) => {
  const { visitId } = await bookedForZhao(server, 'Xu Jing');
  const { device, tablet, f } = await signedInTablet(browser, server, 'zh-CN', 'zhao.gong');
  const languages = [];
  await device.context.route(/\/api\/v1\/(requests|staff\/requests\/[^/]+\/events)$/, (route) => {
    if (route.request().method() === 'POST') languages.push(route.request().headers()['accept-language']);
    return route.continue();
  });
  await tablet.getByRole('link', { name: /Xu Jing/ }).click();
  await expect(tablet.locator('[name="full_name"]')).toHaveValue('Xu Jing');
  await device.context.setOffline(true);
  await fileFixed(tablet, f, '接线端子松动');
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 1 }));
  // Switched to English while the report waits: the run that sends it speaks English.
  // (The tries with no signal before the switch asked in Chinese, rightly.)
  await tablet.getByRole('button', { name: 'English' }).click();
  await expect(heading(tablet)).toHaveText(field.en['visits.heading']);
  const switched = languages.length;
  await device.context.setOffline(false);
  await expect.poll(() => server.rows(`SELECT state FROM visits WHERE id = ${visitId}`), { timeout: 30_000 }).toEqual([['done']]);
  const after = languages.slice(switched);
  expect(after.length).toBeGreaterThanOrEqual(2);
  expect(after.filter((language) => language !== 'en')).toEqual([]);
  await device.close();
});

test('a report stored whose join was refused is removed from the tablet once the engineer confirms', async ({ server, browser }) => {
  const message = 'the visit was cancelled';
  const { visitId, device, tablet, f } = await filedAndRefused(server, browser, 'Tang Yun', 'Worn brushes',
    ['**/api/v1/staff/requests/*/events', 409, 'conflict', message]);
  const [[report]] = reports(server);

  // The visit gives the reference to tell the lead, and removes the report only when asked twice.
  await tablet.getByRole('link', { name: /Tang Yun/ }).first().click();
  await expect(tablet.getByRole('alert')).toHaveText(fill(f['visit.report_not_joined'], { reference: report, message }));
  await expectNoAxeViolations(tablet, 'a visit whose report was stored and not joined');
  await tabTo(tablet, tablet.getByRole('button', { name: f['visit.remove'] }));
  await tablet.keyboard.press('Enter');
  await expect(tablet.getByText(fill(f['visit.remove_confirm'], { reference: report }))).toBeFocused();
  await expectNoAxeViolations(tablet, 'the question before a report leaves the tablet');
  // Kept: the question goes, the report and its reference stay.
  await tabTo(tablet, tablet.getByRole('button', { name: f['visit.remove_no'] }));
  await tablet.keyboard.press('Enter');
  await expect(tablet.getByRole('button', { name: f['visit.remove'] })).toBeFocused();
  await expect(tablet.getByRole('alert')).toContainText(report);
  expect(await storage(tablet, 'keys', 'outbox')).toEqual([String(visitId)]);
  await tablet.keyboard.press('Enter');
  await tabTo(tablet, tablet.getByRole('button', { name: f['visit.remove_yes'] }));
  await tablet.keyboard.press('Enter');
  await expect(heading(tablet)).toHaveText(f['visits.heading']);
  await expect.poll(() => storage(tablet, 'keys', 'outbox')).toEqual([]);
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 0 }));
  // On the server still, once.
  expect(reports(server).length).toBe(1);
  await device.close();
});

test('the list and the report count today as the site does, not as a tablet set to another time zone', async ({ server, browser }) => {
  const { reference } = await bookedForZhao(server, 'Gu Hong');
  // 20:00 UTC: still today where the server writes its times (UTC here), tomorrow already on
  // a tablet set to UTC+14.
  const day = new Date().toISOString().slice(0, 10);
  const device = await otherDevice(browser, { locale: 'en-GB', ...TABLET, timezoneId: 'Pacific/Kiritimati' });
  await device.context.clock.setFixedTime(new Date(`${day}T20:00:00Z`));
  const tablet = await device.context.newPage();
  const f = field.en;
  await tablet.goto(`${server.url}/field/`);
  await signInByForm(tablet, f, 'zhao.gong');
  // This morning's visit is today's, not an earlier day's.
  await tablet.getByRole('region', { name: f['visits.today'] }).getByRole('link', { name: /Gu Hong/ }).click();
  await tablet.locator('[name="fault_cause"]').fill('Capacitor bank failed');
  await tablet.locator('[name="result"][value="needs_parts"]').check();
  await tablet.locator('[name="customer_not_present"]').check();
  await tablet.locator('[name="not_present_reason"]').fill('Out at the bank');
  // Parts expected today on the site are not in the past, whatever the tablet's calendar says.
  await tablet.getByLabel(f['report.parts_expected_on']).fill(day);
  await tablet.getByRole('button', { name: f['report.submit'] }).click();
  await expect(heading(tablet)).toHaveText(f['visits.heading']);
  await expect.poll(() => server.rows(`SELECT parts_expected_on FROM visits JOIN requests ON requests.id = visits.request_id WHERE requests.reference = '${reference}'`), { timeout: 30_000 })
    .toEqual([[day]]);
  await device.close();
});

test('a report whose answer never comes is stored once: tried again under the same key after its time runs out', async ({ server, browser }) => {
  test.setTimeout(120_000);
  const { visitId } = await bookedForZhao(server, 'Bai Lu');
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  // The first filing reaches the server, which stores it, but its answer never comes back.
  const keys = [];
  await device.context.route('**/api/v1/requests', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) { await route.fetch(); return; }
    return route.continue();
  });
  await tablet.getByRole('link', { name: /Bai Lu/ }).click();
  await fileFixed(tablet, f, 'Thermal fuse open');
  await expect.poll(() => reports(server).length).toBe(1);
  await expect(tablet.getByTestId('queue')).toContainText(fill(f['queue.count'], { count: 1 }));
  // Its time runs out, it stays queued, and the next try brings the same report.
  await expect.poll(() => server.rows(`SELECT state FROM visits WHERE id = ${visitId}`), { timeout: 90_000 }).toEqual([['done']]);
  expect(reports(server).length).toBe(1);
  expect(keys.length).toBe(2);
  expect(keys[1]).toBe(keys[0]);
  await device.close();
});

test('the photos of the listed visits are kept on the tablet, shown without signal, and forgotten with their visit and at sign-out', async ({ server, browser }) => {
  addStaff(server, 'wang.fang', 'lead', PASSWORD);
  addStaff(server, 'zhao.gong', 'engineer', PASSWORD);
  const first = await onSiteWithPhoto(server, 'Li Ming', 1);
  const second = await onSiteWithPhoto(server, 'Zhou Hua', 2);
  await bookToday(server, first.reference, 'zhao.gong', '00');
  await bookToday(server, second.reference, 'zhao.gong', '01');
  const path = ({ reference, photo }) => `/api/v1/staff/requests/${reference}/photos/${photo}`;

  // With signal, under the service worker: the list keeps both requests and their photos,
  // and a photo kept is not fetched again however often the list is read.
  const { device, tablet, f } = await signedInTablet(browser, server, 'en-GB', 'zhao.gong');
  await serviceWorkerInControl(tablet);
  await tablet.reload();
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 2 }));
  await expect.poll(() => keptPhotos(tablet)).toEqual([path(first), path(second)].sort());
  const fetchedByWorker = [];
  device.context.on('request', (request) => {
    if (request.serviceWorker() && request.url().includes('/photos/')) fetchedByWorker.push(request.url());
  });
  await tablet.reload();
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 2 }));
  expect(fetchedByWorker, 'a photo kept is not fetched again').toEqual([]);

  // No signal: the visit and its photo come from the tablet, and the screen says so.
  await device.context.setOffline(true);
  await tablet.getByRole('link', { name: /Li Ming/ }).click();
  await expect(heading(tablet)).toContainText('Li Ming');
  await expect(tablet.locator('.provenance')).toHaveText(said(f['visits.offline'], 'time'));
  const shown = tablet.getByRole('img', { name: fill(f['visit.photo'], { n: 1 }) });
  await expect(shown).toBeVisible();
  await expect.poll(() => shown.evaluate((img) => img.complete && img.naturalWidth)).toBe(64);
  await expect(tablet.getByText(f['visit.photos_kept'])).toBeVisible();
  await expectNoAxeViolations(tablet, 'a visit without signal, its photo kept');

  // Signal again; the lead calls the second visit off: the next read of the list forgets its photo.
  await device.context.setOffline(false);
  const lead = await fetch(`${server.url}/api/v1/staff/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ login: 'wang.fang', password: PASSWORD }),
  });
  const leadCookie = lead.headers.get('set-cookie').split(';')[0];
  const cancelled = await fetch(`${server.url}/api/v1/staff/requests/${second.reference}/events`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: leadCookie, origin: server.url },
    body: JSON.stringify({ kind: 'cancel_visit', visit: visitIdOf(server, second.reference), reason: 'The customer fixed it' }),
  });
  expect(cancelled.status).toBe(201);
  await tablet.getByRole('link', { name: f['visit.back'] }).click();
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 1 }));
  await expect.poll(() => keptPhotos(tablet)).toEqual([path(first)]);

  // The customer's data is erased on the server: the visit stays listed, but the next read of
  // its request with signal forgets the photo it no longer names.
  const erased = await fetch(`${server.url}/api/v1/staff/erasures`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: leadCookie, origin: server.url },
    body: JSON.stringify({ contact: '13812345678' }),
  });
  expect(erased.status).toBe(200);
  await tablet.reload();
  await expect(tablet.getByTestId('provenance')).toHaveText(fill(f['visits.kept'], { count: 1 }));
  await expect.poll(() => keptPhotos(tablet)).toEqual([]);

  // Signing out forgets the cache itself.
  await tablet.getByRole('button', { name: f['nav.sign_out'] }).click();
  await expect(heading(tablet)).toHaveText(f['signin.heading']);
  await expect.poll(() => keptPhotos(tablet)).toBeNull();
  await device.close();
});
