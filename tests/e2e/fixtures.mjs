// Shared fixtures: a real intake server on a free loopback port with its own SQLite file,
// and helpers to read what the browser stored and what the server stored.
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { deflateSync, crc32 } from 'node:zlib';
import path from 'node:path';

import { root, startServer } from './server.mjs';

// What every journey reads the screens by: the shipped message tables and configuration.
const readStatic = (file) => JSON.parse(readFileSync(path.join(root, 'static', file), 'utf8'));
export const messages = { en: readStatic('i18n/en.json'), 'zh-CN': readStatic('i18n/zh-CN.json') };
export const config = readStatic('config.json');
/** A product line's name as the start step shows it. */
export const productName = (id, lang = 'en') => config.product_lines.find((line) => line.id === id).name[lang];
/** A message with its `{name}` placeholders filled in. */
export const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
export const heading = (page) => page.getByRole('heading', { level: 1 });
/** For page.evaluate: resolves once two frames have been drawn and a task has run after them,
 *  so whatever the app decided before (its state changes, Yew's render) is on screen. An event
 *  to wait for, not a length of time. */
export const afterTwoFrames = () => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));

/**
 * A company's own backend, on a free loopback port: records every POST (headers and raw
 * body) and answers `answer(request)` (201 and `{"ticket": {"id": "T-<n>"}}` by default).
 * It allows the app's origin (CORS), as a real receiver for a browser form must.
 */
async function startReceiver() {
  const received = [];
  const receiver = { received, answer: () => ({ status: 201, body: { ticket: { id: `T-${received.length}` } } }) };
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST' };
  const server = http.createServer((request, response) => {
    if (request.method === 'OPTIONS') { response.writeHead(204, cors).end(); return; }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      const { status, body } = receiver.answer(request);
      response.writeHead(status, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${server.address().port}/intake`;
  receiver.close = () => new Promise((resolve) => server.close(resolve));
  return receiver;
}

export const test = base.extend({
  /** The backend part of config.json, without `url` (the receiver's); null: Shouhou's own. */
  backend: [null, { option: true }],
  /** Top-level keys of config.json this test's server serves changed (e.g. `kiosk`). */
  configChanges: [null, { option: true }],
  /** More command-line settings for this test's server (e.g. a kiosk PIN hash). */
  serverArgs: [[], { option: true }],
  /** Whether this test's server checks KIOSK_PIN as the kiosk PIN (hashed once per worker,
   *  when first needed: the server's binary is built by then). */
  kioskPin: [false, { option: true }],
  /** Product lines whose flow file this test's server does not serve. */
  linesWithoutFlows: [['appliance', 'car-service'], { option: true }],
  receiver: async ({}, use) => {
    const receiver = await startReceiver();
    await use(receiver);
    await receiver.close();
  },
  // One server per test: every journey starts from an empty database.
  server: async ({ backend, receiver, linesWithoutFlows, configChanges, serverArgs, kioskPin }, use) => {
    if (kioskPin) kioskPinHashed ??= kioskPinHash(KIOSK_PIN);
    const args = kioskPin ? ['--kiosk-pin-hash', kioskPinHashed, ...serverArgs] : serverArgs;
    const server = await startServer(backend && { ...backend, url: receiver.url }, linesWithoutFlows, configChanges, args);
    await use(server);
    await server.stop();
  },
  // A test fails if its page logs an error, if any page of its browser context reports a
  // Content-Security-Policy violation, or if a page arrived without the server's CSP.
  page: async ({ page, context }, use) => {
    const problems = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource|net::ERR_/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    const checkCsp = await watchCsp(context);
    await use(page);
    checkCsp();
    expect(problems, 'the page logged no errors').toEqual([]);
  },
});
export { expect };

/** Watches a browser context for Content-Security-Policy violations and for pages served
 *  without the server's strict CSP; the returned function asserts there were none. */
export async function watchCsp(context) {
  const violations = [];
  await context.exposeBinding('shouhouCspViolation', ({ page: from }, violation) => {
    violations.push(`${from ? from.url() : '?'}: ${violation}`);
  });
  await context.addInitScript(() => {
    window.addEventListener('securitypolicyviolation', (event) => {
      window.shouhouCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}` +
        ` at ${event.sourceFile}:${event.lineNumber}`);
    }, true);
  });
  const documents = [];
  context.on('response', (response) => {
    if (response.request().resourceType() === 'document') {
      documents.push({ url: response.url(), csp: response.headers()['content-security-policy'] || '' });
    }
  });
  return () => {
    expect(violations, 'no Content-Security-Policy violation was reported').toEqual([]);
    expect(documents.length, 'a page was loaded').toBeGreaterThan(0);
    for (const { url, csp } of documents) {
      expect(csp, `${url} came with the server's strict CSP`).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp, `${url}: nothing inline, nothing evaluated`).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
      expect(csp, `${url} cannot be framed`).toContain("frame-ancestors 'none'");
    }
  };
}

/** A second browser context (another customer's device), watched for CSP like the page's. */
export async function otherDevice(browser, options) {
  const context = await browser.newContext(options);
  const checkCsp = await watchCsp(context);
  return { context, close: async () => { checkCsp(); await context.close(); } };
}

/** The app itself running, not only the screen the server drew: boot.js fetches it at the
 *  customer's first focus in a text field or press that needs it (or at once: a kiosk, the
 *  offline shell); here it is asked for as a page's own script may ask (`shouhou-load`), and
 *  awaited until it has taken the page over (`<html data-app="running">`). */
export async function appStarted(page) {
  // Asked again until it takes: the page may still be arriving (after a reload or a reset).
  await expect(async () => {
    await page.evaluate(() => window.dispatchEvent(new Event('shouhou-load')));
    await expect(page.locator('html')).toHaveAttribute('data-app', 'running', { timeout: 1_500 });
  }).toPass({ timeout: 20_000 });
}

/** The settings value `shouhou-server --hash-kiosk-pin` prints for `pin`. */
export function kioskPinHash(pin) {
  const bin = process.env.SHOUHOU_SERVER_BIN || path.join(root, 'target/debug/shouhou-server');
  const line = execFileSync(bin, ['--hash-kiosk-pin'], { input: `${pin}\n`, encoding: 'utf8' });
  return /SHOUHOU_KIOSK_PIN_HASH='([^']+)'/.exec(line)[1];
}

/** The staff PIN of the servers of tests that use `kioskPin: true`. */
export const KIOSK_PIN = '482916';
let kioskPinHashed;

/** Staff make this device a kiosk: /kiosk asks for the PIN (nothing changes before), then the
 *  device is wiped and lands on the kiosk's start screen. The test uses `kioskPin: true`. */
export async function becomeKiosk(page, server, lang = 'en') {
  const t = messages[lang];
  await page.goto(`${server.url}/kiosk`);
  await page.getByLabel(t['kiosk.pin_label']).fill(KIOSK_PIN);
  await page.getByRole('button', { name: t['kiosk.setup_submit'] }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.locator('html')).toHaveClass(/kiosk/);
}

/** Every string the browser keeps for this site: IndexedDB records (photos as their byte
 *  counts), localStorage, sessionStorage and the Cache API's bodies, as one text. */
export async function everythingStored(page) {
  return page.evaluate(async () => {
    const parts = [];
    const dbs = await indexedDB.databases();
    for (const { name } of dbs) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of db.objectStoreNames) {
        const records = await new Promise((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const record of records) {
          parts.push(`${store}:`, record instanceof Blob ? `blob of ${record.size} bytes` : JSON.stringify(record));
        }
      }
      db.close();
    }
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) parts.push(storage.key(i), storage.getItem(storage.key(i)));
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        parts.push(request.url, await (await cache.match(request)).text());
      }
    }
    return parts.join('\n');
  });
}

/** Every record of one of the app's IndexedDB stores (drafts, outbox, quarantine), as stored. */
export async function storedRecords(page, store) {
  return page.evaluate((store) => new Promise((resolve, reject) => {
    const open = indexedDB.open('shouhou');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains(store)) { db.close(); resolve([]); return; }
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => { db.close(); resolve(request.result); };
      request.onerror = () => reject(request.error);
    };
  }), store);
}

export const storedDrafts = (page) => storedRecords(page, 'drafts');

/** Waits until IndexedDB holds a draft whose fields include `expected`. */
export async function expectDraftStored(page, expected) {
  await expect.poll(async () => {
    const drafts = await storedDrafts(page);
    return drafts.some((d) => Object.entries(expected).every(([k, v]) => d.fields[k] === v));
  }, { message: `a stored draft with ${JSON.stringify(expected)}` }).toBe(true);
}

/** Resolves once the service worker is active and answers this page's requests. */
export async function serviceWorkerInControl(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/** axe-core on the whole page; WCAG 2.x A and AA and best practices. */
export async function expectNoAxeViolations(page, screen) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  expect(results.passes.length, `axe ran its rules on ${screen}`).toBeGreaterThan(10);
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe violations on ${screen}`).toEqual([]);
}

/**
 * Walks the form from the contact step to "check your answers": fills what is given on each
 * step and moves on. The defaults make an out-of-warranty repair (no photo needed). An
 * on-site visit (chosen here or suggested by guided help) needs `address`, and out of
 * warranty `chargeAck` ticks the charge notice.
 */
export async function walkToReview(page, m, { name, phone, email, address, purchase = '2020-03-01', description, choices = { resolution: 'repair' }, chargeAck = false, onContact, onProblem } = {}) {
  const heading = page.getByRole('heading', { level: 1 });
  const next = () => page.getByRole('button', { name: m['step.next'], exact: true }).click();
  await expect(heading).toHaveText(m['step.contact']);
  if (name !== undefined) await page.getByLabel(m['field.full_name']).fill(name);
  if (phone !== undefined) await page.getByLabel(m['field.phone']).fill(phone);
  if (email) await page.getByRole('textbox', { name: m['field.email'] }).fill(email);
  if (address) await page.getByLabel(m['field.address']).fill(address);
  // A choice asked on this step is made here; the rest on the problem step.
  const later = {};
  for (const [field, value] of Object.entries(choices)) {
    const radio = page.getByRole('radio', { name: m[`${field}.${value}`], exact: true });
    if (await radio.count()) { await radio.click(); await expect(radio).toBeChecked(); } else later[field] = value;
  }
  if (onContact) await onContact();
  await next();
  await expect(heading).toHaveText(m['step.product']);
  if (purchase) await page.getByLabel(m['field.purchase_date']).fill(purchase);
  await next();
  await expect(heading).toHaveText(m['step.problem']);
  if (description !== undefined) await page.getByLabel(m['field.description']).fill(description);
  for (const [field, value] of Object.entries(later)) {
    const radio = page.getByRole('radio', { name: m[`${field}.${value}`], exact: true });
    await radio.click();
    await expect(radio).toBeChecked();
  }
  if (chargeAck) await page.getByLabel(m['field.charge_ack']).check();
  if (onProblem) await onProblem();
  await next();
  await expect(heading).toHaveText(m['step.review']);
}

/** The same, then "Submit request" on the review page. */
export async function submitFromContact(page, m, details) {
  await walkToReview(page, m, details);
  await page.getByRole('button', { name: m['details.submit'] }).click();
}

/** A PNG of `width`×`height` noise: camera-sized, and incompressible enough to be large. */
export function noisyPng(width, height, seed = 1) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4); length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2; // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  let state = seed;
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width * 3; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      rows[row + 1 + x] = ((x + y) & 0x7f) + (state >>> 25);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 1 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}


/** Makes a staff account on a test server's database, as README says: `shouhou-server staff
 *  add <login> --role agent|lead --db …` with the password on stdin. */
export function addStaff(server, login, role, password) {
  const bin = process.env.SHOUHOU_SERVER_BIN || path.join(root, 'target/debug/shouhou-server');
  execFileSync(bin, ['staff', 'add', login, '--role', role, '--db', server.db], { input: `${password}\n`, encoding: 'utf8' });
}

/** Signs a staff account in on this page's browser context (its cookie jar), as a staff
 *  device in staff mode is: an on-site report is filed only in a staff session. */
export async function signInStaff(page, server, login = 'engineer.li', password = 'a-long-enough-password') {
  addStaff(server, login, 'agent', password);
  const answer = await page.request.post(`${server.url}/api/v1/staff/session`, { data: { login, password } });
  expect(answer.status()).toBe(204);
}

/** Presses Tab (at most `most` times) until `locator` has the focus: the keyboard's way there,
 *  proving the control can be reached without a pointer. */
export async function tabTo(page, locator, most = 120) {
  for (let i = 0; i < most; i++) {
    if (await locator.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${locator}`);
}

/** A repair whose troubleshooting said an engineer must come, filed as the customer app does. */
export async function onSite(server, name) {
  const answer = await fetch(`${server.url}/api/v1/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      intent: 'repair', product_line: 'inverter', full_name: name, phone: '138 1234 5678',
      purchase_date_unknown: 'yes', serial_number: `INV-${name.length}-${randomUUID().slice(0, 4)}`,
      resolution: 'onsite_visit', address: '苏州工业园区星湖街 328 号 3 号厂房',
      description: '变频器上电后显示 OC1 过流故障，电机无法启动',
    }),
  });
  const body = await answer.json();
  expect(answer.status, JSON.stringify(body)).toBe(201);
  return body.reference;
}
