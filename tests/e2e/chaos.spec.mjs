// Chaos: 50 requests filed while the network drops and returns at random, answers are lost
// on the way back, and the server is killed and restarted in the middle. Every request must
// end in SQLite exactly once: none lost, none duplicated.
import { readFileSync } from 'node:fs';
import { test, expect, storedRecords, submitFromContact, config } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');
const REQUESTS = 50;

/** A small seeded generator, so a failing run can be replayed exactly. */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test.use({ locale: 'en-GB' });

test('50 requests through network cuts, lost answers and a server restart: each stored exactly once', async ({ page, server, context }) => {
  test.setTimeout(240_000);
  const seed = Number(process.env.CHAOS_SEED || 20261126);
  const random = mulberry32(seed);
  const events = {
    offline: 0, online: 0, lostAnswers: 0, lostAnswersStored: 0, refusedConnections: 0,
    serverDown: 0, triesWhileDown: 0, restarts: 0, replayed: 0,
  };
  // A retry of a request whose answer was lost is answered 200 with Idempotent-Replayed.
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/requests') && response.headers()['idempotent-replayed'] === 'true') events.replayed += 1;
  });
  let down = false;
  let rowsBeforeKill = 0;

  // Some answers never come back although the server stored the request; some requests
  // never leave. Both must be retried under the same key.
  await page.route('**/api/v1/requests', async (route) => {
    const roll = random();
    if (down) events.triesWhileDown += 1;
    if (roll < 0.2) {
      events.lostAnswers += 1;
      try {
        // Stored, and the answer never arrives: only the key can stop a second request.
        if ((await route.fetch()).status() === 201) events.lostAnswersStored += 1;
      } catch { /* server down: nothing stored either */ }
      await route.abort('connectionreset');
    } else if (roll < 0.3) {
      events.refusedConnections += 1;
      await route.abort('connectionrefused');
    } else {
      await route.continue();
    }
  });

  await page.goto(server.url);
  const product = config.product_lines.find((line) => line.id === 'appliance').name.en;
  for (let i = 0; i < REQUESTS; i++) {
    const roll = random();
    if (roll < 0.15) { await context.setOffline(true); events.offline += 1; }
    else if (roll < 0.35) { await context.setOffline(false); events.online += 1; }
    if (i === 20) {
      rowsBeforeKill = server.rows('SELECT count(*) FROM requests')[0][0];
      await server.kill(); events.serverDown += 1; down = true;
    }
    if (i === 30) { await server.restart(); events.restarts += 1; down = false; }

    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(product).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await submitFromContact(page, m, {
      name: `Chaos ${String(i).padStart(2, '0')}`, phone: '13812345678', description: `Request ${i} of the chaos run (seed ${seed}).`,
    });
    // Delivered or waiting in the outbox: either way the customer can go on.
    await page.getByRole('button', { name: m['confirm.new_request'] }).click({ timeout: 20_000 });
  }

  // The network comes back for good: no more lost answers, and the browser says it is online.
  await page.unroute('**/api/v1/requests');
  await context.setOffline(true);
  await context.setOffline(false);
  await expect.poll(() => server.rows('SELECT count(*) FROM requests')[0][0], { timeout: 120_000, intervals: [1000] })
    .toBe(REQUESTS);
  const [[rows, distinctNames, distinctKeys]] = server.rows(
    'SELECT count(*), count(DISTINCT full_name), count(DISTINCT idempotency_key) FROM requests');
  await expect.poll(async () => (await storedRecords(page, 'outbox')).filter((item) => !item.status.sent).length,
    { timeout: 120_000, intervals: [1000] }).toBe(0);
  const outbox = await storedRecords(page, 'outbox');
  const attempts = outbox.reduce((sum, item) => sum + item.attempts, 0);
  console.log(`chaos (seed ${seed}): ${REQUESTS} submitted, ${attempts} send attempts, ${rows} rows stored, ` +
    `${rows - distinctNames} duplicates, ${REQUESTS - distinctNames} lost; events ${JSON.stringify(events)}`);
  expect([rows, distinctNames, distinctKeys]).toEqual([REQUESTS, REQUESTS, REQUESTS]);
  expect(outbox).toHaveLength(REQUESTS);

  // The faults happened: a run that met none would prove nothing.
  expect(events.lostAnswers, 'answers were lost').toBeGreaterThanOrEqual(1);
  expect(events.lostAnswersStored, 'a request was stored although its answer was lost').toBeGreaterThanOrEqual(1);
  expect(events.replayed, 'the server answered a retry as a replay').toBeGreaterThanOrEqual(1);
  expect(events.refusedConnections, 'connections were refused').toBeGreaterThanOrEqual(1);
  expect([events.serverDown, events.restarts], 'the server was killed and restarted once').toEqual([1, 1]);
  expect(events.triesWhileDown, 'the app tried while the server was down').toBeGreaterThanOrEqual(1);
  expect(rowsBeforeKill, 'some requests arrived before the kill, the rest after the restart').toBeGreaterThan(0);
  expect(rowsBeforeKill).toBeLessThan(REQUESTS);

  // Every reference the device holds is in SQLite, under the key it was sent with, once.
  const onDevice = outbox.map((item) => [item.status.sent.reference, item.draft.idempotency_key]).sort();
  const onServer = server.rows('SELECT reference, idempotency_key FROM requests ORDER BY reference');
  expect(new Set(onDevice.map(([reference]) => reference)).size, 'each reference once on the device').toBe(REQUESTS);
  expect(onDevice).toEqual(onServer.sort());
});
