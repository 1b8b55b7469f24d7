// Offline-first, as field engineers meet it: the app opens with no server after one visit,
// requests wait in the outbox and go exactly once, a killed tab loses no keystroke, a new
// version is offered and never forced, corrupt storage is set aside and said so.
import { readFileSync, appendFileSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { test, expect, storedDrafts, storedRecords, expectNoAxeViolations, submitFromContact, config, heading, productName } from './fixtures.mjs';
import { appStarted, afterTwoFrames, serviceWorkerInControl } from './fixtures.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../static/${file}`, import.meta.url), 'utf8'));
const m = read('i18n/en.json');

async function controlledByServiceWorker(page) {
  await serviceWorkerInControl(page);
  // The install step also cached every product line's flow.
  await expect.poll(() => page.evaluate(async () => {
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith('shouhou-')));
    // Under their hashed names (scripts/hash-files.mjs), which never change.
    return (await cache.keys()).map((r) => new URL(r.url).pathname.replace(/\.[0-9a-f]{10}\./, '.')).sort();
  })).toEqual(expect.arrayContaining(['/index.html', '/pkg/shouhou_bg.wasm', '/flows/property.json', '/config.json']));
}

async function fileRequest(page, name, productLine = 'appliance') {
  await page.getByLabel(m['intent.repair']).check();
  await page.getByLabel(productName(productLine)).check();
  await page.getByRole('button', { name: m['start.continue'] }).click();
  if (productLine !== 'appliance') await page.getByRole('link', { name: m['flow.skip'] }).click();
  await submitFromContact(page, m, { name, phone: '13812345678', description: `Washing machine shows E21 and will not drain (${name}).` });
}

test.describe('with the service worker', () => {
  test.use({ locale: 'en-GB', serviceWorkers: 'allow' });

  test('after one visit the app opens with the server gone; the request goes once it is back', async ({ page, server }) => {
    await page.goto(server.url);
    await controlledByServiceWorker(page);
    await server.kill();

    await page.reload();
    await expect(heading(page)).toHaveText(m['start.heading']);
    // Guided help works offline too: the flow came from the cache.
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('property')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await expect(heading(page)).toHaveText(m['flow.offer_heading']);
    await page.getByRole('button', { name: m['flow.start'] }).click();
    await page.locator('[data-answer="drain"]').click();
    await page.locator('[data-answer="not_fixed"]').click();
    await page.locator('[data-answer="other"]').click();
    await page.getByRole('button', { name: m['flow.continue_to_form'] }).click();
    // The checks found an on-site visit is needed: the form asks for the address and,
    // out of warranty, for the charge notice to be acknowledged.
    await submitFromContact(page, m, {
      name: 'Gao Min', phone: '13812345678', address: '7 Garden Road, Flat 302',
      description: 'Bathroom floor drain backs up whenever the shower runs.', choices: {}, chargeAck: true,
    });
    await expect(heading(page)).toHaveText(m['sending.waiting_heading']);

    await server.restart();
    await expect(heading(page)).toHaveText(m['confirm.heading'], { timeout: 30_000 });
    expect(server.rows("SELECT full_name, json_extract(troubleshooting_json, '$.outcome') FROM requests")).toEqual([['Gao Min', 'svc_drain']]);
  });

  test('the server gone before the start step is sent: the browser navigates, and the offline app takes over', async ({ page, server }) => {
    await page.goto(server.url);
    await controlledByServiceWorker(page);
    await expect(page.locator('html')).toHaveAttribute('data-app', 'waiting');
    await page.evaluate(() => { window.firstDocument = true; });
    // The next screens fetched while choosing are the network's, never the worker's to keep.
    const warmed = page.waitForResponse((r) => new URL(r.url()).pathname === '/help');
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('property')).check();
    expect((await warmed).ok()).toBe(true);
    expect(await page.evaluate(async () => Boolean(await caches.match('/help?intent=repair&product_line=property')))).toBe(false);
    await server.kill();
    // boot.js follows the start step's form in place only with the server's next page in hand
    // (this line's is not fetched yet).
    await page.getByLabel(productName('inverter')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    // The worker's offline page, whose app draws what the device keeps: nothing yet, so the
    // start step (as when the browser navigated there before boot.js followed in place).
    await appStarted(page);
    await expect(heading(page)).toHaveText(m['start.heading']);
    expect(await page.evaluate(() => window.firstDocument)).toBeUndefined();
  });

  test('a new version is offered, not forced, and the draft survives the update', async ({ page, server }) => {
    // Every document load of this tab, counted by the browser side (survives a reload) and
    // by Playwright: a reload at any moment shows up in both.
    await page.addInitScript(() => {
      sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') || 0) + 1));
    });
    let navigations = 0;
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations += 1; });
    const loads = () => page.evaluate(() => Number(sessionStorage.getItem('loads')));
    await page.goto(server.url);
    await controlledByServiceWorker(page);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await page.getByLabel(m['field.full_name']).fill('Half-typed when the update came');
    // The start step and the form's first step were two pages: from here on, none more.
    const loadsBefore = await loads();

    // A new build: a different worker script (and no stale precompressed copies of the old one).
    const worker = path.join(server.dist, 'sw.js');
    appendFileSync(worker, '\n// a new build\n');
    rmSync(`${worker}.gz`);
    rmSync(`${worker}.br`);
    // Last-Modified has one-second steps: a build within the second of the first visit would
    // look unmodified (304) to the browser's update check. Real builds are further apart.
    utimesSync(worker, new Date(), new Date(Date.now() + 5000));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await expect(page.getByText(m['update.ready'])).toBeVisible();
    const navigationsBefore = navigations;
    expect(await loads()).toBe(loadsBefore);
    await expectNoAxeViolations(page, 'update offered');
    // Offered, not forced: the customer goes on working with the notice shown, and nothing
    // reloads — not while the new worker installs, not while the notice is up.
    await page.getByLabel(m['field.phone']).fill('13812345678');
    await expect(page.getByTestId('save-status')).toHaveText(m['autosave.saved']);
    await expect(page.getByText(m['update.ready'])).toBeVisible();
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Half-typed when the update came');
    expect(await loads(), 'no reload while the update is offered').toBe(loadsBefore);
    expect(navigations, 'no navigation while the update is offered').toBe(navigationsBefore);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation')[0].type)).toBe('navigate');

    // "Update now": exactly one reload.
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: m['update.apply'] }).click()]);
    await expect(heading(page)).toHaveText(m['step.contact']);
    await expect(page.getByLabel(m['field.full_name'])).toHaveValue('Half-typed when the update came');
    await expect(page.getByLabel(m['field.phone'])).toHaveValue('13812345678');
    await expect(page.getByText(m['update.ready'])).toHaveCount(0);
    expect(await loads(), 'one reload after "Update now"').toBe(loadsBefore + 1);
    expect(navigations).toBe(navigationsBefore + 1);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation')[0].type)).toBe('reload');
  });
});

test.describe('storage', () => {
  test.use({ locale: 'en-GB' });

  // Closed, not killed: crash.spec.mjs kills the renderer (CDP Page.crash).
  test('a tab closed the moment typing ends, without unload handling, loses no keystroke', async ({ page, server, context }) => {
    await page.goto(server.url);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    const typed = 'Compressor clicks every 3 minutes; 制冷不良，冷藏室 12°C 🌡️ and rising.';
    await page.getByLabel(m['field.address']).click();
    await page.keyboard.type(typed);
    // No unload handling, no waiting for IndexedDB: the tab is gone the moment typing ends.
    await page.close({ runBeforeUnload: false });

    const next = await context.newPage();
    await next.goto(server.url);
    await expect(next.getByLabel(m['field.address'])).toHaveValue(typed);
    await expect.poll(async () => (await storedDrafts(next)).map((d) => d.fields.address)).toEqual([typed]);
  });

  test('corrupt records are set aside, reported, and the app still starts', async ({ page, server }) => {
    // The app reads what storage holds after it has taken the server's screen over: records
    // put there before that read would be set aside on this load, unseen, not on the next.
    await page.addInitScript(() => addEventListener('shouhou-stored', () => { window.storageRead = true; }));
    await page.goto(server.url);
    await expect(heading(page)).toHaveText(m['start.heading']);
    await appStarted(page);
    await page.waitForFunction(() => window.storageRead === true);
    await page.evaluate(() => new Promise((resolve, reject) => {
      localStorage.setItem('shouhou.journal.broken', '{"schema_version": 1, "id": ');
      const open = indexedDB.open('shouhou');
      open.onsuccess = () => {
        const tx = open.result.transaction(['drafts', 'outbox'], 'readwrite');
        tx.objectStore('drafts').put({ schema_version: 99, id: 'from-the-future' }, 'from-the-future');
        tx.objectStore('outbox').put({ id: 'half-an-item' }, 'half-an-item');
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      };
    }));
    await page.reload();
    await appStarted(page);
    // All three count: the draft, the journal entry and the outbox item.
    await expect(page.getByText(m['storage.quarantined'].replace('{count}', '3'))).toBeVisible();
    await expect(heading(page)).toHaveText(m['start.heading']);
    await expectNoAxeViolations(page, 'quarantine notice');
    const quarantined = (await storedRecords(page, 'quarantine')).map((r) => r.source).sort();
    expect(quarantined).toEqual(['indexeddb', 'journal', 'outbox']);
    await fileRequest(page, 'He Jun');
    await expect(heading(page)).toHaveText(m['confirm.heading']);
  });
});

test.describe('persistence', () => {
  test.use({ locale: 'en-GB' });

  for (const granted of [false, true]) {
    test(`storage persistence ${granted ? 'granted: no warning' : 'refused: the customer is told once there is something to lose'}`, async ({ page, server }) => {
      await page.addInitScript((answer) => {
        window.persistAnswers = 0;
        window.quotaReads = 0;
        navigator.storage.persisted = async () => false;
        navigator.storage.persist = async () => { window.persistAnswers += 1; return answer; };
        // Nearly full: one of the reasons the notice matters (a first visit alone is not).
        navigator.storage.estimate = async () => {
          window.quotaReads += 1;
          return { usage: 95_000_000, quota: 100_000_000 };
        };
      }, granted);
      await page.goto(server.url);
      await expect(heading(page)).toHaveText(m['start.heading']);
      // The app itself asks the browser (the start step drawn by the server asks nothing).
      await appStarted(page);
      await expect(page.getByText(m['storage.not_persistent'])).toHaveCount(0);
      await page.getByLabel(m['intent.repair']).check();
      if (granted) {
        // The app asked and was told yes, and two frames have been drawn since: a refusal is
        // what leads to the notice (through a look at the quota, which never came).
        await expect.poll(() => page.evaluate(() => window.persistAnswers)).toBeGreaterThan(0);
        await page.evaluate(afterTwoFrames);
        await expect(page.getByText(m['storage.not_persistent'])).toHaveCount(0);
        expect(await page.evaluate(() => window.quotaReads)).toBe(0);
      } else {
        await expect(page.getByText(m['storage.not_persistent'])).toBeVisible();
        await expectNoAxeViolations(page, 'persistence refused');
      }
    });
  }
});

test.describe('a full disk', () => {
  test.use({ locale: 'en-GB' });

  test('a refused write says so clearly and nothing typed is lost', async ({ page, server, context }) => {
    // The device's storage fills up after the draft was first saved: IndexedDB refuses writes.
    await page.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.__diskFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    await page.goto(server.url);
    await page.getByLabel(m['intent.repair']).check();
    await page.getByLabel(productName('appliance')).check();
    await page.getByRole('button', { name: m['start.continue'] }).click();
    await page.getByLabel(m['field.full_name']).fill('Qian Lei');
    await expect(page.getByTestId('save-status')).toHaveText(m['autosave.saved']);

    await page.evaluate(() => { window.__diskFull = true; });
    await page.getByLabel(m['field.address']).fill('Typed after the disk filled up: 5 Dryer Lane.');
    await expect(page.getByTestId('save-status'))
      .toHaveText(m['storage.full']);
    await expectNoAxeViolations(page, 'storage full');
    // What IndexedDB already had is still there.
    expect((await storedDrafts(page)).map((d) => d.fields.full_name)).toEqual(['Qian Lei']);

    // Space is freed (a new page, no stub): the journal brings back what IndexedDB refused.
    const next = await context.newPage();
    await page.close({ runBeforeUnload: false });
    await next.goto(server.url);
    await expect(next.getByLabel(m['field.address'])).toHaveValue('Typed after the disk filled up: 5 Dryer Lane.');
    await expect(next.getByLabel(m['field.full_name'])).toHaveValue('Qian Lei');
  });
});
