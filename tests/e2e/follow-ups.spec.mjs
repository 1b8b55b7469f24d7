// Today's follow-up calls (今日回访) on the staff desk, by keyboard alone and in both languages:
// the calling hours and the script from the configuration, the requests resolved two to seven
// days ago oldest first, a call nobody answered kept on the list, a call that reached the
// customer taking it off (and onto the request's timeline), with axe on every state.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, addStaff, fill, heading, tabTo } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
const desk = { en: read('dist/desk/i18n/en.json'), 'zh-CN': read('dist/desk/i18n/zh-CN.json') };
const config = read('static/config.json');
const PASSWORD = 'correct horse battery staple';

/** A repair filed and resolved through the API, its resolution then moved `days` back in
 *  the store (the event and what is kept beside the request), as if resolved then. */
async function resolvedDaysAgo(request, server, name, days) {
  const filed = await request.post(`${server.url}/api/v1/requests`, {
    headers: { 'idempotency-key': `follow-up-call-${name.replace(/ /g, '-')}` },
    data: {
      intent: 'repair', product_line: 'appliance', full_name: name, phone: '138 1234 5678',
      purchase_date_unknown: 'yes', resolution: 'repair', serial_number: `WM-${name.length}${days}`,
      description: 'The washing machine stops mid-cycle and shows E21.',
    },
  });
  expect(filed.status(), await filed.text()).toBe(201);
  const { reference } = await filed.json();
  const events = `${server.url}/api/v1/staff/requests/${reference}/events`;
  for (const data of [
    { kind: 'status', status: 'in_progress' },
    { kind: 'reply', text: `Engineer replaced the drain pump for ${name}.` },
    { kind: 'resolve', fault_cause: 'quality', parts: [] },
  ]) {
    const answer = await request.post(events, { data });
    expect(answer.status(), await answer.text()).toBe(201);
  }
  if (days > 0) {
    server.sql(`UPDATE events SET at = date(substr(at, 1, 10), '-${days} days') || substr(at, 11)
                WHERE kind = 'status' AND status = 'resolved'
                  AND request_id = (SELECT id FROM requests WHERE reference = '${reference}')`);
    server.sql(`UPDATE requests SET resolved_day = date(resolved_day, '-${days} days'),
                resolved_ts = resolved_ts - ${days} * 86400 WHERE reference = '${reference}'`);
  }
  return reference;
}

for (const [lang, locale] of [['en', 'en-GB'], ['zh-CN', 'zh-CN']]) {
  test.describe(`today's follow-ups in ${lang}`, () => {
    test.use({ locale });
    const d = desk[lang];

    test('a lead calls back by keyboard alone: no answer keeps the request, reached takes it off', async ({ page, server }) => {
      addStaff(server, 'lina', 'lead', PASSWORD);
      const signedIn = await page.request.post(`${server.url}/api/v1/staff/session`, { data: { login: 'lina', password: PASSWORD } });
      expect(signedIn.status()).toBe(204);
      const older = await resolvedDaysAgo(page.request, server, 'Wu Min', 5);
      const newer = await resolvedDaysAgo(page.request, server, 'Li Lei', 3);
      const today = await resolvedDaysAgo(page.request, server, 'Han Mei', 0);
      const keys = (key) => page.keyboard.press(key);

      await page.goto(`${server.url}/desk/`);
      await expect(heading(page)).toHaveText(d['inbox.heading']);
      await tabTo(page, page.getByRole('navigation').getByRole('link', { name: d['nav.follow_ups'] }));
      await keys('Enter');
      await expect(page).toHaveURL(`${server.url}/desk/follow-ups`);
      await expect(heading(page)).toHaveText(d['follow_ups.heading']);
      await expect(heading(page)).toBeFocused();
      await expect(page).toHaveTitle(`${d['title.follow_ups']} · ${d['app.name']}`);

      // When to call and what to say, from the configuration, in order.
      const hours = config.follow_up.calling_hours;
      await expect(page.getByText(fill(d['follow_ups.hours'], hours))).toBeVisible();
      await expect(page.locator('section[aria-labelledby="h-script"] li'))
        .toHaveText(config.follow_up.script.map((line) => line.text[lang]));
      // Resolved five and three days ago, oldest first; not today's.
      const calls = page.locator('.calls > li');
      await expect(calls).toHaveCount(2);
      await expect(calls.nth(0)).toContainText(older);
      await expect(calls.nth(1)).toContainText(newer);
      await expect(page.locator('.calls')).not.toContainText(today);
      await expect(calls.nth(0)).toContainText('Engineer replaced the drain pump for Wu Min.');
      await expect(calls.nth(0).getByRole('link', { name: '+8613812345678' })).toHaveAttribute('href', 'tel:+8613812345678');
      await expectNoAxeViolations(page, `follow-ups in ${lang}`);

      // The oldest's form is open: nobody answers.
      const outcome = page.getByLabel(d['action.follow_up_outcome']);
      await expect(calls.nth(0).getByLabel(d['action.follow_up_outcome'])).toBeVisible();
      await tabTo(page, outcome);
      await keys('ArrowDown');
      await keys('ArrowDown');
      await expect(outcome).toHaveValue('no_answer');
      await tabTo(page, page.getByRole('button', { name: d['action.follow_up_submit'] }));
      await keys('Enter');
      await expect(page.getByRole('status').filter({ hasText: d['saved.follow_up'] })).toBeVisible();
      await expect(calls).toHaveCount(2);
      await expect(calls.nth(0)).toContainText(older);
      await expect(calls.nth(0)).toContainText(d['follow_ups.unanswered']);
      await expectNoAxeViolations(page, `follow-ups in ${lang}, no answer`);

      // The newer one's call by its button: its form opens with the focus on it; then back
      // to the older one, who answers and is satisfied.
      await tabTo(page, page.getByRole('button', { name: fill(d['follow_ups.record'], { name: 'Li Lei' }) }));
      await keys('Enter');
      await expect(calls.nth(1).getByLabel(d['action.follow_up_outcome'])).toBeFocused();
      await tabTo(page, page.getByRole('button', { name: fill(d['follow_ups.record'], { name: 'Wu Min' }) }));
      await keys('Enter');
      await expect(calls.nth(0).getByLabel(d['action.follow_up_outcome'])).toBeFocused();
      await keys('ArrowDown');
      await expect(outcome).toHaveValue('reached');
      await keys('Tab');
      await expect(page.getByLabel(d['action.follow_up_satisfaction'])).toBeFocused();
      await keys('ArrowDown');
      await expect(page.getByLabel(d['action.follow_up_satisfaction'])).toHaveValue('5');
      await keys('Tab');
      await page.keyboard.type('Works again; happy with the engineer.');
      await tabTo(page, page.getByRole('button', { name: d['action.follow_up_submit'] }));
      await keys('Enter');

      // Off the list; the next one's form takes the focus.
      await expect(calls).toHaveCount(1);
      await expect(calls.nth(0)).toContainText(newer);
      await expect(outcome).toBeFocused();
      await expectNoAxeViolations(page, `follow-ups in ${lang}, one recorded`);
      expect(server.rows(`SELECT e.outcome, e.satisfaction, e.text FROM events e JOIN requests r ON r.id = e.request_id
                          WHERE e.kind = 'follow_up' AND r.reference = '${older}' ORDER BY e.id`))
        .toEqual([['no_answer', null, null], ['reached', 5, 'Works again; happy with the engineer.']]);

      // On the request's timeline, in words.
      await page.goto(`${server.url}/desk/requests/${older}`);
      const timeline = page.locator('.timeline');
      await expect(timeline).toContainText(d['outcome.reached']);
      await expect(timeline).toContainText(d['outcome.no_answer']);
      await expect(timeline).toContainText('Works again; happy with the engineer.');
    });
  });
}
