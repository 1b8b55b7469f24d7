// The dispatch board (派工看板, issue 27) against the real server, by keyboard alone: on-site
// requests wait beside the week; a lead books one for an engineer, is told of a clash naming
// the other request, books the other for someone free, moves the first visit and calls the
// second off; the engineer then sees their own visits, read only. What the store holds is
// checked after each step, and axe runs on every state, in both languages.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, addStaff, fill, heading, tabTo, onSite } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
const desk = { en: read('dist/desk/i18n/en.json'), 'zh-CN': read('dist/desk/i18n/zh-CN.json') };
const serverWords = { en: read('server/i18n/en.json'), 'zh-CN': read('server/i18n/zh-CN.json') };
const PASSWORD = 'correct horse battery staple';

const visits = (server) => server.rows(
  `SELECT requests.reference, visits.engineer, visits.state, substr(visits.from_at, 12, 5), substr(visits.to_at, 12, 5)
   FROM visits JOIN requests ON requests.id = visits.request_id ORDER BY requests.id, visits.id`,
);

for (const [lang, locale] of [['en', 'en-GB'], ['zh-CN', 'zh-CN']]) {
  test.describe(`the dispatch board in ${lang}`, () => {
    test.use({ locale });
    const d = desk[lang];

    test('a lead books, is refused a clash, moves and cancels visits by keyboard alone', async ({ page, server, browser }) => {
      addStaff(server, 'wang.fang', 'lead', PASSWORD);
      addStaff(server, 'qian.gong', 'engineer', PASSWORD);
      addStaff(server, 'zhao.gong', 'engineer', PASSWORD);
      const signedIn = await page.request.post(`${server.url}/api/v1/staff/session`, { data: { login: 'wang.fang', password: PASSWORD } });
      expect(signedIn.status()).toBe(204);
      const first = await onSite(server, '王建国');
      const second = await onSite(server, '刘强');
      const keys = (key) => page.keyboard.press(key);
      const waiting = page.locator('section.waiting');
      const row = (login) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: login }) });
      const status = page.locator('p.ok[role="status"]');

      await page.goto(`${server.url}/desk/`);
      await expect(heading(page)).toHaveText(d['inbox.heading']);
      await tabTo(page, page.getByRole('navigation').getByRole('link', { name: d['nav.board'] }));
      await keys('Enter');
      await expect(page).toHaveURL(`${server.url}/desk/board`);
      await expect(heading(page)).toHaveText(d['board.heading']);
      await expect(heading(page)).toBeFocused();
      await expect(page).toHaveTitle(`${d['title.board']} · ${d['app.name']}`);
      await expect(waiting.getByRole('heading', { level: 2 })).toHaveText(fill(d['board.waiting'], { n: 2 }));
      await expect(page.getByRole('columnheader')).toHaveCount(8);
      await expect(row('qian.gong')).toBeVisible();
      await expectNoAxeViolations(page, 'the board with two requests waiting');

      /** Tabs to the control labelled `label` and types `text` (a time as `HH:MM`). */
      const typeInto = async (label, text) => {
        const control = page.getByLabel(label, { exact: true });
        await tabTo(page, control);
        await page.keyboard.type(text);
        if (/^\d\d:\d\d$/.test(text)) await expect(control).toHaveValue(text);
      };

      // Book the first for zhao.gong, 09:00–11:00 today.
      const book = async (name, engineer, from, to) => {
        await tabTo(page, waiting.getByRole('button', { name: fill(d['board.book'], { name }) }));
        await keys('Enter');
        const select = page.getByLabel(d['board.engineer'], { exact: true });
        await expect(select).toBeFocused();
        await page.keyboard.type(engineer.slice(0, 2));
        await expect(select).toHaveValue(engineer);
        await keys('Tab');
        await expect(page.getByLabel(d['action.visit_day'], { exact: true })).toBeFocused();
        // The day stays the one shown; a date or time control tabs through its own parts.
        await typeInto(d['action.visit_from'], from);
        await typeInto(d['action.visit_to'], to);
        await typeInto(d['action.visit_note'], '带万用表，找物业王师傅');
        await tabTo(page, page.getByRole('button', { name: d['action.visit_submit'], exact: true }));
        await keys('Enter');
      };
      await book('王建国', 'zhao.gong', '09:00', '11:00');
      await expect(status).toHaveText(d['saved.visit']);
      await expect(heading(page)).toBeFocused();
      await expect(row('zhao.gong').locator('.block')).toContainText(`09:00–11:00 王建国 · ${first}`);
      await expect(waiting.getByRole('heading', { level: 2 })).toHaveText(fill(d['board.waiting'], { n: 1 }));
      expect(visits(server)).toEqual([
        [first, 'zhao.gong', 'scheduled', '09:00', '11:00'],
        [second, null, 'unscheduled', null, null],
      ]);
      await expectNoAxeViolations(page, 'the board with a visit booked');

      // The same engineer at 10:00 clashes: the message names the other request, nothing is stored.
      await book('刘强', 'zhao.gong', '10:00', '12:00');
      await expect(page.getByRole('alert')).toHaveText(fill(serverWords[lang]['api.visit_overlaps'], { reference: first }));
      expect(visits(server)[1]).toEqual([second, null, 'unscheduled', null, null]);
      await expectNoAxeViolations(page, 'a clash refused');
      // Someone free then: the open form is chosen again by its button (it stays open).
      const select = page.getByLabel(d['board.engineer'], { exact: true });
      await tabTo(page, select);
      await page.keyboard.type('qi');
      await expect(select).toHaveValue('qian.gong');
      await tabTo(page, page.getByRole('button', { name: d['action.visit_submit'], exact: true }));
      await keys('Enter');
      await expect(status).toHaveText(d['saved.visit']);
      await expect(row('qian.gong').locator('.block')).toContainText(`10:00–12:00 刘强 · ${second}`);
      await expect(waiting.getByText(d['board.waiting_none'])).toBeVisible();

      // Move the first to the afternoon, with the reason the customer gave.
      await tabTo(page, page.getByRole('button', { name: fill(d['board.move'], { reference: first }) }));
      await keys('Enter');
      await expect(page.getByLabel(d['board.engineer'], { exact: true })).toBeFocused();
      await expect(page.getByLabel(d['board.engineer'], { exact: true })).toHaveValue('zhao.gong');
      await expect(page.getByLabel(d['action.visit_from'], { exact: true })).toHaveValue('09:00');
      await typeInto(d['action.visit_from'], '14:00');
      await typeInto(d['action.visit_to'], '16:00');
      await typeInto(d['action.visit_reason'], '客户改约到下午');
      await tabTo(page, page.getByRole('button', { name: d['action.move_visit_submit'], exact: true }));
      await keys('Enter');
      await expect(status).toHaveText(d['saved.move_visit']);
      await expect(row('zhao.gong').locator('.block')).toContainText(`14:00–16:00 王建国 · ${first}`);
      expect(visits(server)[0]).toEqual([first, 'zhao.gong', 'scheduled', '14:00', '16:00']);

      // Call the second off; a reason is asked for first.
      await tabTo(page, page.getByRole('button', { name: fill(d['board.cancel'], { reference: second }) }));
      await keys('Enter');
      await expect(page.getByLabel(d['action.visit_reason'], { exact: true })).toBeFocused();
      await tabTo(page, page.getByRole('button', { name: d['action.cancel_visit_submit'], exact: true }));
      await keys('Enter');
      await expect(page.getByRole('alert')).toHaveText(d['error.reason_missing']);
      await typeInto(d['action.visit_reason'], '客户已自行修好');
      await keys('Tab');
      await keys('Enter');
      await expect(status).toHaveText(d['saved.cancel_visit']);
      await expect(row('qian.gong').locator('.block.cancelled')).toContainText(d['visit_state.cancelled']);
      expect(visits(server)[1]).toEqual([second, 'qian.gong', 'cancelled', '10:00', '12:00']);
      await expectNoAxeViolations(page, 'a visit moved and one cancelled');

      // The day view and the next week: the columns follow, the visits stay where they are.
      await tabTo(page, page.getByRole('button', { name: d['board.day'], exact: true }));
      await keys('Enter');
      await expect(page.getByRole('columnheader')).toHaveCount(2);
      await expect(row('zhao.gong').locator('.block')).toHaveCount(1);
      await tabTo(page, page.getByRole('button', { name: d['board.later'] }));
      await keys('Enter');
      await expect(row('zhao.gong').locator('.block')).toHaveCount(0);

      // The engineer's own visits, read only, on their own device: nobody else's, no booking.
      const tablet = await browser.newContext({ locale });
      const mine = await tablet.newPage();
      const engineerIn = await mine.request.post(`${server.url}/api/v1/staff/session`, { data: { login: 'zhao.gong', password: PASSWORD } });
      expect(engineerIn.status()).toBe(204);
      await mine.goto(`${server.url}/desk/board`);
      await expect(heading(mine)).toHaveText(d['board.mine']);
      await expect(mine.getByRole('navigation').getByRole('link', { name: d['nav.my_visits'] })).toHaveAttribute('aria-current', 'page');
      await expect(mine.locator('.block')).toHaveCount(1);
      await expect(mine.locator('.block')).toContainText(`14:00–16:00 王建国 · ${first}`);
      await expect(mine.locator('.block button')).toHaveCount(0);
      await expect(mine.locator('section.waiting')).toHaveCount(0);
      await expect(mine.getByRole('alert')).toHaveCount(0);
      await expectNoAxeViolations(mine, "an engineer's own visits");
      // The request behind it, read only too: the desk's forms are the desk's.
      await mine.locator('.block a').click();
      await expect(mine.locator('.timeline')).toBeVisible();
      await expect(mine.locator('.actions')).toHaveCount(0);
      await expect(mine.locator('form')).toHaveCount(0);
      await expectNoAxeViolations(mine, "a request an engineer visits");
      await tablet.close();
    });
  });
}
