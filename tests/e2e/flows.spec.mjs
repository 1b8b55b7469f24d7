// Guided troubleshooting as customers meet it: solved on the spot (and counted), handed to
// a prefilled request (transcript stored), an emergency, a reload mid-flow, a broken file.
import { readFileSync } from 'node:fs';
import { test, expect, expectNoAxeViolations, expectDraftStored, storedDrafts, submitFromContact, walkToReview, appStarted, messages, config, productName, heading } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const flows = Object.fromEntries(['network', 'inverter', 'property'].map((id) => [id, read(`flows/${id}.json`)]));
const node = (flow, id) => flows[flow].nodes.find((n) => n.id === id);
const label = (flow, id, answerId) => node(flow, id).answers.find((a) => a.id === answerId).label.en;

async function startGuide(page, lang, intent, productLine, category = 'quality') {
  const m = messages[lang];
  await page.getByLabel(m[`intent.${intent}`]).check();
  if (intent === 'complaint') await page.getByRole('radio', { name: m[`category.${category}`], exact: true }).check();
  await page.getByLabel(productName(productLine, lang)).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['flow.offer_heading']);
}

const answer = (page, id) => page.locator(`[data-answer="${id}"]`).click();

test.describe('guided help in English', () => {
  test.use({ locale: 'en-GB' });
  const m = messages.en;

  test('a fibre link fixed by the checks is counted as solved, not filed', async ({ page, server }) => {
    await page.goto(server.url);
    await startGuide(page, 'en', 'repair', 'network');
    await expectNoAxeViolations(page, 'guided help offer');
    await page.getByRole('button', { name: m['flow.start'] }).click();
    await expect(heading(page)).toHaveText(node('network', 'what').text.en);
    await expect(heading(page)).toBeFocused();
    await expectNoAxeViolations(page, 'flow question');
    await answer(page, 'fibre');
    await expect(heading(page)).toHaveText(node('network', 'fibre_q').text.en);
    await answer(page, 'was_up');
    await expect(heading(page)).toHaveText(node('network', 'fibre_clean').text.en);
    await expect(page.getByRole('note')).toContainText(node('network', 'fibre_clean').warning.en);
    await expect(page.getByRole('img')).toHaveAttribute('alt', node('network', 'fibre_clean').image_alt.en);
    await expectNoAxeViolations(page, 'flow step with warning and image');
    await answer(page, 'fixed');
    await expect(heading(page)).toHaveText(m['flow.solved_heading']);
    await expect(heading(page)).toBeFocused();
    await expectNoAxeViolations(page, 'solved outcome');

    await expect.poll(() => server.rows('SELECT flow_id, flow_version, product_line, outcome FROM deflections'))
      .toEqual([['network', flows.network.version, 'network', 'solved']]);
    expect(server.rows('SELECT count(*) FROM requests')).toEqual([[0]]);
    await page.getByRole('button', { name: m['flow.start_over'] }).click();
    await expect(heading(page)).toHaveText(m['start.heading']);
  });

  test('checks that do not help open the form prefilled, and the transcript is stored', async ({ page, server }) => {
    await page.goto(server.url);
    await startGuide(page, 'en', 'repair', 'inverter');
    await page.getByRole('button', { name: m['flow.start'] }).click();
    await answer(page, 'oc');
    await answer(page, 'accel');
    // Back undoes one answer, and the same answer again continues.
    await page.getByRole('button', { name: m['flow.back'] }).click();
    await expect(heading(page)).toHaveText(node('inverter', 'oc_when_q').text.en);
    for (const id of ['accel', 'free', 'not_fixed', 'ok']) await answer(page, id);
    await expect(heading(page)).toHaveText(m['flow.needs_service_heading']);
    await expect(page.getByText(node('inverter', 'svc_repair').text.en)).toBeVisible();
    await expectNoAxeViolations(page, 'needs-service outcome');
    await page.getByRole('button', { name: m['flow.continue_to_form'] }).click();

    await expect(heading(page)).toHaveText(m['step.contact']);
    await submitFromContact(page, m, {
      name: 'Zhao Lei', phone: '13612345678', address: 'Workshop 2, 18 Lathe Lane',
      description: 'Lathe spindle inverter trips with OC2 at start, motor insulation 200 MΩ.',
      choices: {}, chargeAck: true,
      onProblem: async () => {
        await expect(page.getByText('Category: Quality. Priority: High.')).toBeVisible();
        // The on-site visit the checks found is the resolution already chosen.
        await expect(page.getByRole('radio', { name: m['resolution.onsite_visit'], exact: true })).toBeChecked();
        const tried = page.getByRole('region', { name: m['flow.tried_heading'] }).getByRole('listitem');
        await expect(tried).toHaveText([
          `${node('inverter', 'what').text.en} — ${label('inverter', 'what', 'oc')}`,
          `${node('inverter', 'oc_when_q').text.en} — ${label('inverter', 'oc_when_q', 'accel')}`,
          `${node('inverter', 'load_q').text.en} — ${label('inverter', 'load_q', 'free')}`,
          `${node('inverter', 'accel_step').text.en} — ${m['flow.answer.not_fixed']}`,
          `${node('inverter', 'insulation_q').text.en} — ${label('inverter', 'insulation_q', 'ok')}`,
        ]);
        await expectNoAxeViolations(page, 'form with transcript');
      },
    });
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    const [[category, priority, transcript]] = server.rows('SELECT category, priority, troubleshooting_json FROM requests');
    expect([category, priority]).toEqual(['quality', 'high']);
    expect(server.rows("SELECT json_extract(submitted_json, '$.resolution'), json_extract(submitted_json, '$.address') FROM requests")).toEqual([['onsite_visit', 'Workshop 2, 18 Lathe Lane']]);
    const stored = JSON.parse(transcript);
    expect(stored.flow_id).toBe('inverter');
    expect(stored.outcome).toBe('svc_repair');
    expect(stored.steps.map((s) => [s.node, s.answer])).toEqual([['what', 'oc'], ['oc_when_q', 'accel'], ['load_q', 'free'], ['accel_step', 'not_fixed'], ['insulation_q', 'ok']]);
    expect(stored.steps.every((s) => s.at_ms > 1_700_000_000_000)).toBe(true);
  });

  test('a reload mid-flow resumes at the same node with the same transcript', async ({ page, server }) => {
    await page.goto(server.url);
    await startGuide(page, 'en', 'repair', 'property');
    await page.getByRole('button', { name: m['flow.start'] }).click();
    await answer(page, 'window');
    await expect(heading(page)).toHaveText(node('property', 'window_step').text.en);
    await expect.poll(async () => (await storedDrafts(page)).map((d) => d.flow && d.flow.current)).toEqual(['window_step']);
    await page.reload();
    await expect(heading(page)).toHaveText(node('property', 'window_step').text.en);
    await expect(page.getByText(`${flows.property.title.en} · ${m['flow.progress'].replace('{n}', '2')}`)).toBeVisible();
    await page.getByRole('button', { name: m['flow.back'] }).click();
    await expect(heading(page)).toHaveText(node('property', 'what').text.en);
  });

  test('a solved walk offline is counted once the network returns', async ({ page, server, context }) => {
    await page.goto(server.url);
    // The app runs before the network goes (no service worker here to bring it offline).
    await appStarted(page);
    await startGuide(page, 'en', 'repair', 'network');
    await page.getByRole('button', { name: m['flow.start'] }).click();
    await context.setOffline(true);
    await answer(page, 'wifi');
    await answer(page, 'ios');
    await answer(page, 'fixed');
    await expect(heading(page)).toHaveText(m['flow.solved_heading']);
    await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('shouhou.pending.deflections') || '[]').length)).toBe(1);
    expect(server.rows('SELECT count(*) FROM deflections')).toEqual([[0]]);
    await context.setOffline(false);
    await expect.poll(() => server.rows('SELECT count(*) FROM deflections')).toEqual([[1]]);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('shouhou.pending.deflections'))).toBeNull();
  });

  test('a broken flow file says guided help is unavailable and the form still works', async ({ page, server }) => {
    await page.route('**/flows/network.*.json', (route) => route.fulfill({
      status: 200, contentType: 'application/json',
      body: JSON.stringify({ ...flows.network, start: 'nowhere' }),
    }));
    await page.goto(server.url);
    // The app reads the flow as the customer chooses (the server's pages read its own copy).
    await appStarted(page);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('network', 'en')).check();
    await expect(page.getByText(m['flow.unavailable'])).toBeVisible();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await submitFromContact(page, m, { name: 'Sun Yue', phone: '13512345678', description: 'Core switch reboots every night at 2 am.' });
    await expect(heading(page)).toHaveText(m['confirm.heading']);
    expect(server.rows('SELECT product_line, troubleshooting_json FROM requests')).toEqual([['network', null]]);
  });

  test('guided help is offered only where it helps: not for a complaint about service attitude; the on-site report is not offered to customers at all', async ({ page, server }) => {
    const choose = async (intent, category) => {
      await page.getByLabel(m[`intent.${intent}`]).check();
      if (category) await page.getByRole('radio', { name: m[`category.${category}`], exact: true }).check();
      await page.getByLabel(productName('property', 'en')).check();
      await page.getByRole('button', { name: m['start.continue'] }).click();
    };
    const anotherRequest = async () => {
      await page.getByRole('button', { name: m['drafts.link'] }).click();
      await expect(heading(page)).toHaveText(m['drafts.heading']);
      await page.getByRole('button', { name: m['drafts.new'] }).click();
      await expect(heading(page)).toHaveText(m['start.heading']);
    };
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    // The complaint's category is asked with it, on the start step: the offer depends on it.
    await choose('complaint');
    await expect(page.locator('.error-summary').getByRole('link', { name: new RegExp(m['field.category'], 'i') })).toBeVisible();
    await expect(heading(page)).toHaveText(m['start.heading']);
    await expectNoAxeViolations(page, 'complaint without a category');
    await page.getByRole('radio', { name: m['category.service'], exact: true }).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(page.locator('.chosen')).toContainText(m['category.service']);

    await anotherRequest();
    await choose('complaint', 'quality');
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);

    // The on-site report is an engineer's, not offered to customers (staff mode offers it:
    // form.spec.mjs, service-desk.spec.mjs).
    await anotherRequest();
    await expect(page.getByRole('radio', { name: m['intent.complaint'] })).toBeVisible();
    await expect(page.getByRole('radio', { name: m['intent.onsite_report'] })).toHaveCount(0);
  });

  test('skipping guided help goes straight to the form', async ({ page, server }) => {
    await page.goto(server.url);
    await startGuide(page, 'en', 'complaint', 'property');
    await page.getByRole('link', { name: m['flow.skip'] }).click();
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(page.getByRole('region', { name: m['flow.tried_heading'] })).toHaveCount(0);
  });
});

test.describe('guided help in Chinese', () => {
  test.use({ locale: 'zh-CN' });
  const m = messages['zh-CN'];

  test('active flooding shows the emergency contact at once, in both languages', async ({ page, server }) => {
    await page.goto(server.url);
    await startGuide(page, 'zh-CN', 'repair', 'property');
    await page.getByRole('button', { name: m['flow.start'] }).click();
    await answer(page, 'leak');
    await expect(heading(page)).toHaveText(node('property', 'leak_q').text['zh-CN']);
    await answer(page, 'flooding');
    const alert = page.getByRole('alert');
    await expect(heading(page)).toContainText(m['flow.emergency_heading']);
    await expect(heading(page)).toContainText(messages.en['flow.emergency_heading']);
    await expect(alert.getByRole('link', { name: config.emergency_contact.phone })).toHaveAttribute('href', 'tel:4000001234');
    await expect(alert).toContainText(node('property', 'emergency_flood').text['zh-CN']);
    await expect(alert).toContainText(node('property', 'emergency_flood').text.en);
    await expectNoAxeViolations(page, 'emergency outcome');

    await page.getByRole('button', { name: m['flow.continue_to_form'] }).click();
    await expectDraftStored(page, { category: 'emergency', priority: 'urgent' });
    // On the problem step the emergency contact comes first, before any field.
    await walkToReview(page, m, {
      name: '周敏', phone: '13812345678', description: '卫生间地漏反水，水已漫到客厅',
      onProblem: async () => {
        await expect(page.getByText(`问题类别：${m['category.emergency']}；优先级：${m['priority.urgent']}`)).toBeVisible();
        const first = page.locator('form.step > :is(.notice, .field, fieldset)').first();
        await expect(first).toHaveClass(/notice-emergency/);
        await expect(first.getByRole('link', { name: config.emergency_contact.phone })).toHaveAttribute('href', 'tel:4000001234');
        await expectNoAxeViolations(page, 'problem step of an emergency');
      },
    });
  });
});
