// The customer's status page says when an engineer comes (issue 27), against the real
// server: a lead books a visit through the staff API, the customer reads the window in their
// language; the lead moves it and the page says it moved; the engineer's on-site report finds
// a part needed, and the page shows the part and the day it is expected. Both languages, axe
// on each state.
import { randomUUID } from 'node:crypto';
import { test, expect, expectNoAxeViolations, messages, fill, addStaff } from './fixtures.mjs';

const PASSWORD = 'a-long-enough-password';

const two = (n) => String(n).padStart(2, '0');

/** The day the visit is booked on: two days from today on this process's calendar (the
 * server's), within the year ahead a booking may be made for. */
const visitDay = new Date(Date.now() + 2 * 86400 * 1000);
const DAY = `${visitDay.getFullYear()}-${two(visitDay.getMonth() + 1)}-${two(visitDay.getDate())}`;
/** That day as the status page says it: `8 Dec`, `12月8日`. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const said = (lang) => lang === 'en'
  ? `${visitDay.getDate()} ${MONTHS[visitDay.getMonth()]}`
  : `${visitDay.getMonth() + 1}月${visitDay.getDate()}日`;

/** The server's own offset on `day` (it runs in this process's zone), `+08:00`. */
function offsetOn(day) {
  const minutes = -new Date(`${day}T09:00:00`).getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** A signed-in staff member's calls: `post(path, body, key?)` answers the status and JSON. */
async function session(server, login, role) {
  addStaff(server, login, role, PASSWORD);
  const signIn = await fetch(`${server.url}/api/v1/staff/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  expect(signIn.status).toBe(204);
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  return async (path, body, key) => {
    const headers = { 'content-type': 'application/json', cookie, origin: server.url };
    if (key) headers['idempotency-key'] = key;
    const answer = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return [answer.status, await answer.json()];
  };
}

for (const lang of ['en', 'zh-CN']) {
  const m = messages[lang];
  test.describe(`the visit on the status page in ${lang}`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });

    test('the window, its move, and the parts a report found needed', async ({ page, server }) => {
      const filed = await fetch(`${server.url}/api/v1/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({
          intent: 'consultation', product_line: 'inverter', full_name: '王建国',
          phone: '138 1234 5678', description: '变频器上电后显示 OC1 过流故障，电机无法启动',
        }),
      });
      expect(filed.status).toBe(201);
      const { reference } = await filed.json();
      const lead = await session(server, 'wang.fang', 'lead');
      const engineer = await session(server, 'zhao.gong', 'engineer');
      const events = `/api/v1/staff/requests/${reference}/events`;
      const at = (time) => `${DAY}T${time}:00${offsetOn(DAY)}`;

      const [booked, entry] = await lead(events, { kind: 'visit', engineer: 'zhao.gong', from: at('09:00'), to: at('11:00'), note: '带万用表' });
      expect(booked, JSON.stringify(entry)).toBe(201);

      await page.goto(`${server.url}/status/${reference}`);
      const contact = page.getByLabel(m['status.contact_label']);
      const check = async () => {
        await contact.fill('13812345678');
        await page.getByRole('button', { name: m['status.check'] }).click();
      };
      await check();
      const booking = lang === 'en' ? `An engineer will visit on ${said(lang)}, 09:00–11:00` : `工程师将于 ${said(lang)} 09:00–11:00 上门`;
      await expect(page.locator('.visit')).toHaveText(booking);
      await expectNoAxeViolations(page, 'status with a booked visit');

      const [moved] = await lead(events, { kind: 'move_visit', visit: entry.visit.id, from: at('14:00'), to: at('16:00'), reason: '客户改约' });
      expect(moved).toBe(201);
      await check();
      const move = lang === 'en'
        ? `Moved: an engineer will now visit on ${said(lang)}, 14:00–16:00`
        : `已改期：工程师将于 ${said(lang)} 14:00–16:00 上门`;
      await expect(page.locator('.visit')).toHaveText(move);

      // The engineer files the report (an on-site report of its own), then answers the visit with it.
      const now = new Date().toISOString().slice(0, 16);
      const [reported, report] = await engineer('/api/v1/requests', {
        intent: 'onsite_report', product_line: 'inverter', full_name: '王建国', phone: '138 1234 5678',
        recorded_by: '赵工', site: '苏州工业园区 3 号厂房', description: '上电即报 OC1',
        fault_code: 'OC1', fault_cause: '输出侧电缆绝缘破损', parts_needed: 'IGBT 模块 ×1', result: 'needs_parts',
        arrival_at: now, departure_at: now, signoff_name: '王建国', signoff_at: now,
        customer_not_present: 'yes', not_present_reason: '客户外出，门卫开门',
      }, randomUUID());
      expect(reported, JSON.stringify(report)).toBe(201);
      const [answered, result] = await engineer(events, { kind: 'visit_report', visit: entry.visit.id, report: report.reference, parts_expected_on: '2030-12-20' });
      expect(answered, JSON.stringify(result)).toBe(201);
      expect(server.rows(`SELECT status FROM requests WHERE reference = '${reference}'`)).toEqual([['waiting_parts']]);

      await check();
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(fill(m['status.current'], { status: m['status.state.waiting_parts'] }));
      const parts = lang === 'en' ? 'Waiting for parts (IGBT 模块 ×1), expected 20 Dec' : '等待配件（IGBT 模块 ×1），预计 12月20日';
      await expect(page.locator('.parts')).toHaveText(parts);
      await expect(page.locator('.visit')).toHaveCount(0);
      await expect(page.getByText(m['status.next.waiting_parts'])).toBeVisible();
      await expectNoAxeViolations(page, 'status waiting for parts');
    });
  });
}
