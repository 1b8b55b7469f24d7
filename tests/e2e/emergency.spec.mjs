// Emergencies put people first (issue 20): what to do for safety now, then the public number
// that fits (from config.json, never from the flow), then the company's line — on the gas and
// the electric-shock screens, in both languages, and on the form that follows.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, messages, config, productName, heading } from './fixtures.mjs';

const appliance = JSON.parse(readFileSync(new URL('../../static/flows/appliance.json', import.meta.url), 'utf8'));
const node = (id) => appliance.nodes.find((n) => n.id === id);
const tel = (number) => `tel:${number.replace(/[^0-9+]/g, '')}`;
/** The configured lines of a service, in the configuration's order. */
const lines = (service) => config.emergency.numbers.filter((line) => line.service === service);

/** The alert's parts in the order a reader meets them: heading, safety, "call from outside",
 *  each number to call. */
async function order(alert) {
  return alert.locator('h1, h2, .emergency-safety, .emergency-outside, .emergency-calls a').evaluateAll((found) =>
    found.map((el) => (el.matches('a') ? el.getAttribute('href') : el.className || el.tagName.toLowerCase())));
}

async function walkTo(page, m, lang, answerId) {
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName('appliance', lang)).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await page.getByRole('button', { name: m['flow.start'] }).click();
  await expect(heading(page)).toHaveText(node('what').text[lang]);
  await page.locator(`[data-answer="${answerId}"]`).click();
}

for (const lang of ['zh-CN', 'en']) {
  const m = messages[lang];
  const other = lang === 'en' ? 'zh-CN' : 'en';

  test.describe(`emergencies (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'zh-CN', linesWithoutFlows: [] });

    test('a smell of gas: leave first, then the gas company and 119 from outside, then us', async ({ page, server }) => {
      await page.goto(server.url);
      await walkTo(page, m, lang, 'gas');
      const alert = page.getByRole('alert');
      await expect(heading(page)).toContainText(m['flow.emergency_heading']);
      await expect(heading(page)).toContainText(messages[other]['flow.emergency_heading']);
      await expect(heading(page)).toBeFocused();
      const safety = alert.locator('.emergency-safety');
      await expect(safety).toContainText(node('emergency_gas').text[lang]);
      await expect(safety).toContainText(node('emergency_gas').text[other]);
      await expect(alert.locator('.emergency-outside')).toHaveText(m['emergency.call_from_outside']);
      const gas = lines('gas');
      expect(gas.length, 'the shipped config has gas repair lines').toBeGreaterThan(0);
      for (const line of gas) {
        await expect(alert.getByRole('listitem').filter({ hasText: line.region[lang] })).toContainText(m['emergency.service.gas']);
      }
      expect(await order(alert)).toEqual([
        'h1', 'emergency-safety', 'emergency-outside',
        ...gas.map((line) => tel(line.number)), tel(lines('fire')[0].number), tel(config.emergency_contact.phone),
      ]);
      await expect(alert.getByRole('link', { name: lines('fire')[0].number, exact: true })).toBeVisible();
      await expectNoAxeViolations(page, 'gas emergency');

      // The form that follows keeps the same numbers first, before any field.
      await page.getByRole('button', { name: m['flow.continue_to_form'] }).click();
      await expect(heading(page)).toHaveText(m['step.contact']);
      const notice = page.locator('form.step > :is(.notice, .field, fieldset)').first();
      await expect(notice).toHaveClass(/notice-emergency/);
      expect(await order(notice)).toEqual([
        'h2', 'emergency-safety', 'emergency-outside',
        ...gas.map((line) => tel(line.number)), tel(lines('fire')[0].number), tel(config.emergency_contact.phone),
      ]);
      await expectNoAxeViolations(page, 'contact step after a gas emergency');
    });

    test('an electric shock: cut the power and do not pull them by hand, then 120, then us', async ({ page, server }) => {
      await page.goto(server.url);
      await walkTo(page, m, lang, 'shock');
      const alert = page.getByRole('alert');
      await expect(heading(page)).toContainText(m['flow.emergency_heading']);
      const safety = alert.locator('.emergency-safety');
      await expect(safety).toContainText(node('emergency_electric').text[lang]);
      await expect(safety).toContainText(lang === 'en' ? 'never pull them away by hand' : '不要直接用手拉人');
      await expect(alert.locator('.emergency-outside')).toHaveCount(0);
      expect(await order(alert)).toEqual([
        'h1', 'emergency-safety',
        tel(lines('ambulance')[0].number), tel(lines('fire')[0].number), tel(config.emergency_contact.phone),
      ]);
      await expect(alert.getByRole('listitem').first()).toContainText(m['emergency.service.ambulance']);
      await expect(alert.getByRole('listitem').last()).toContainText(config.emergency_contact.note[lang]);
      await expectNoAxeViolations(page, 'electric shock emergency');
    });
  });
}
