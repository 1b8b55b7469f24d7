// The honeypot (docs/security.md): an input no person sees or reaches with
// the keyboard, which form-filling bots fill in. A person's request is stored; a bot's gets
// an answer shaped like a receipt, and nothing is stored.
import { test, expect, messages, productName, walkToReview, appStarted } from './fixtures.mjs';

const m = messages.en;
test.use({ locale: 'en-GB' });

async function toContact(page, server) {
  await page.goto(server.url);
  await appStarted(page);
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('car-service')).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
}

const details = {
  name: 'Zhou Min', phone: '13812345678', choices: { resolution: 'explanation' },
  description: 'The air conditioning smells of damp since the last service.',
};

test('people never meet the honeypot, and their request is stored', async ({ page, server }) => {
  await toContact(page, server);
  const bait = page.locator('input[name="website"]');
  await expect(bait).toHaveAttribute('tabindex', '-1');
  await expect(bait).toHaveAttribute('autocomplete', 'off');
  await expect(page.locator('[aria-hidden="true"]:has(input[name="website"])')).toHaveCount(1);
  const box = await bait.boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(0);
  // Tab from the top of the step to its last button never lands on it.
  await page.getByLabel(m['field.full_name']).focus();
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).not.toBe('website');
  }

  const bodies = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/requests')) bodies.push(r.postData()); });
  await walkToReview(page, m, details);
  await page.getByRole('button', { name: m['details.submit'] }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading']);
  expect(bodies).toHaveLength(1);
  expect(JSON.parse(bodies[0])).not.toHaveProperty('website');
  expect(server.rows('SELECT full_name FROM requests')).toEqual([['Zhou Min']]);
});

test('a bot that fills in the honeypot gets a receipt-shaped answer and nothing is stored', async ({ page, server }) => {
  await toContact(page, server);
  await page.locator('input[name="website"]').fill('http://spam.example');
  await walkToReview(page, m, details);
  await page.getByRole('button', { name: m['details.submit'] }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['confirm.heading']);
  await expect(page.getByText(/SR-\d{8}-/).first()).toBeVisible();
  expect(server.rows('SELECT count(*) FROM requests')).toEqual([[0]]);
});
