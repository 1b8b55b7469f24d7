// Every screen has an address: Back and Forward stay inside the app with every answer kept,
// a reload shows the same screen, a deep link goes no further than the draft allows, and a
// printed receipt's link opens the status screen.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, walkToReview, appStarted, config, fill, heading, productName } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
const zh = read('i18n/zh-CN.json');

test.use({ locale: 'en-GB' });

const path = (page) => new URL(page.url()).pathname;

async function chooseRepair(page, line = 'car-service') {
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName(line)).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
}

test('Back and Forward walk the screens inside the app, keeping every answer', async ({ page, server }) => {
  await page.goto(server.url);
  await expect(heading(page)).toHaveText(m['start.heading']);
  expect(path(page)).toBe('/');
  // The app's own screens, one page (first-screen.spec.mjs walks the server's before it).
  await appStarted(page);
  // A line with guided troubleshooting: the help screen comes between start and form.
  await chooseRepair(page, 'network');
  await expect(page).toHaveURL(/\/help$/);
  await page.getByRole('link', { name: m['flow.skip'] }).click();
  await expect(heading(page)).toHaveText(m['step.contact']);
  await expect(page).toHaveURL(/\/form\/contact$/);
  await page.getByLabel(m['field.full_name']).fill('Jane O’Brien');
  await page.getByLabel(m['field.phone']).fill('+44 20 7946 0958');
  await page.getByRole('button', { name: m['step.next'], exact: true }).click();
  await expect(page).toHaveURL(/\/form\/product$/);
  await page.getByLabel(m['field.purchase_date']).fill('2020-03-01');
  await page.getByRole('button', { name: m['step.next'], exact: true }).click();
  await expect(page).toHaveURL(/\/form\/problem$/);
  await page.getByLabel(m['field.description']).fill('The fibre uplink stays dark after the move.');
  await page.getByRole('radio', { name: m['resolution.repair'], exact: true }).click();
  await page.getByRole('button', { name: m['step.next'], exact: true }).click();
  await expect(heading(page)).toHaveText(m['step.review']);
  await expect(page).toHaveURL(/\/review$/);

  const origin = new URL(server.url).origin;
  for (const [screen, url] of [['step.problem', '/form/problem'], ['step.product', '/form/product'], ['step.contact', '/form/contact']]) {
    await page.goBack();
    await expect(heading(page)).toHaveText(m[screen]);
    expect(page.url()).toBe(origin + url);
  }
  await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Jane O’Brien');
  await page.goBack();
  await expect(page).toHaveURL(/\/help$/);
  await page.goBack();
  await expect(heading(page)).toHaveText(m['start.heading']);
  await expect(page.getByLabel(m['intent.repair'])).toBeChecked();
  await expect(page.getByLabel(productName('network'))).toBeChecked();

  // Forward again, all the way to the review, with nothing lost on the way.
  await page.goForward();
  await expect(page).toHaveURL(/\/help$/);
  for (const screen of ['step.contact', 'step.product', 'step.problem', 'step.review']) {
    await page.goForward();
    await expect(heading(page)).toHaveText(m[screen]);
  }
  await expect(page.getByText('The fibre uplink stays dark after the move.')).toBeVisible();
  await expect(page.getByText('Jane O’Brien')).toBeVisible();
});

test('a reload on each screen shows that screen with the draft as it was', async ({ page, server }) => {
  await page.goto(server.url);
  await chooseRepair(page);
  await walkToReview(page, m, { name: 'Li Lei', phone: '13912345678', description: 'The car shakes above 80 km/h.' });
  for (const [url, screen] of [['/form/contact', 'step.contact'], ['/form/product', 'step.product'], ['/form/problem', 'step.problem'], ['/review', 'step.review'], ['/drafts', 'drafts.heading']]) {
    await page.goto(server.url + url);
    await expect(heading(page)).toHaveText(m[screen]);
    await page.reload();
    await expect(heading(page)).toHaveText(m[screen]);
    expect(path(page)).toBe(url);
  }
  await page.goto(server.url + '/form/contact');
  await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Li Lei');
  // The bare site address resumes the draft where the customer left it...
  await page.goto(server.url);
  await expect(heading(page)).toHaveText(m['step.contact']);
  await expect(page).toHaveURL(/\/form\/contact$/);
  // ...and once they went back to the start, a reload stays there.
  await page.getByRole('button', { name: m['details.back'], exact: true }).click();
  await expect(heading(page)).toHaveText(m['start.heading']);
  expect(path(page)).toBe('/');
  await page.reload();
  await expect(heading(page)).toHaveText(m['start.heading']);
  await expect(page.getByLabel(m['intent.repair'])).toBeChecked();
});

test('a deep link to a later step goes to the first step that still misses answers', async ({ page, server }) => {
  await page.goto(server.url + '/review');
  // Nothing chosen yet: the start screen, and its address says so.
  await expect(heading(page)).toHaveText(m['start.heading']);
  await expect(page).toHaveURL(server.url + '/');
  await chooseRepair(page);
  await page.getByLabel(m['field.full_name']).fill('Li Lei');
  await page.getByLabel(m['field.phone']).fill('13912345678');
  await expect(page.getByTestId('save-status')).toHaveText(m['autosave.saved']);
  await page.goto(server.url + '/form/problem');
  // Contact given, purchase date not: the product step.
  await expect(heading(page)).toHaveText(m['step.product']);
  await expect(page).toHaveURL(/\/form\/product$/);
  await expectNoAxeViolations(page, 'product after a deep link');
});

test('the receipt link and /status/<reference> open the status screen, which looks the request up', async ({ page, server }) => {
  await page.goto(server.url);
  await chooseRepair(page);
  await walkToReview(page, m, { name: 'Li Lei', phone: '139 1234 5678', description: 'The car shakes above 80 km/h.' });
  await page.getByRole('button', { name: m['details.submit'] }).click();
  await expect(heading(page)).toHaveText(m['confirm.heading']);
  const reference = (await page.getByTestId('reference').textContent()).trim();
  await expect(page).toHaveURL(new RegExp(`/sent/${reference}$`));

  // As printed on receipts before screens had addresses: /?status=<reference>.
  await page.goto(`${server.url}/?status=${reference}`);
  await expect(heading(page)).toHaveText(m['status.heading']);
  await expect(page).toHaveURL(new RegExp(`/status/${reference}$`));
  await expect(page.getByText(fill(m['status.intro'], { reference }))).toBeVisible();
  await expectNoAxeViolations(page, 'status');

  await page.getByRole('button', { name: m['status.check'] }).click();
  await expect(page.getByText(m['status.contact_missing'])).toBeVisible();
  await page.getByLabel(m['status.contact_label']).fill('13800000000');
  await page.getByRole('button', { name: m['status.check'] }).click();
  await expect(page.getByRole('alert')).toHaveText(m['status.not_found']);
  await page.getByLabel(m['status.contact_label']).fill('+86 139-1234-5678');
  await page.getByRole('button', { name: m['status.check'] }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.received'] }));
  await expectNoAxeViolations(page, 'status with an answer');

  // From the start screen: "Check a request", with the reference typed in.
  await page.goto(server.url + '/');
  await page.getByRole('link', { name: m['start.check_request'] }).click();
  await expect(heading(page)).toHaveText(m['status.heading']);
  await expect(page).toHaveURL(/\/status$/);
  await page.getByLabel(m['status.contact_label']).fill('13912345678');
  await page.getByRole('button', { name: m['status.check'] }).click();
  await expect(page.locator('#f-reference-error')).toHaveText(m['status.reference_missing']);
  await page.getByLabel(m['status.reference_label']).fill(reference.toLowerCase());
  await page.getByRole('button', { name: m['status.check'] }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.received'] }));
  await expectNoAxeViolations(page, 'status by a typed reference');

  // The same screen at its own address, in Chinese after switching, and after a reload.
  await page.goto(`${server.url}/status/${reference}`);
  await expect(heading(page)).toHaveText(m['status.heading']);
  await page.getByRole('button', { name: m['lang.switch'] }).click();
  await expect(heading(page)).toHaveText(zh['status.heading']);
  await page.reload();
  await expect(heading(page)).toHaveText(zh['status.heading']);

  // The receipt keeps its own address too.
  await page.goto(server.url + '/sent/' + reference);
  await expect(heading(page)).toHaveText(zh['confirm.heading']);
});
