// Shared fixtures: a real intake server on a free loopback port with its own SQLite file,
// and helpers to read what the browser stored and what the server stored.
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Starts the intake server; resolves to its URL. Port 0 picks a free one. */
function launch(bin, dir, port) {
  const child = spawn(bin, [
    '--addr', `127.0.0.1:${port}`, '--db', path.join(dir, 'shouhou.sqlite3'),
    '--dist', path.join(dir, 'dist'), '--config', path.join(root, 'static/config.json'),
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
  const url = new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 15_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.stderr.on('data', (chunk) => { seen += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${seen}`)); });
  });
  return { child, url };
}

async function startServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'shouhou-e2e-'));
  // Each test serves its own copy of the build, so a test may change it (a new version).
  cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const db = path.join(dir, 'shouhou.sqlite3');
  const bin = process.env.SHOUHOU_SERVER_BIN || path.join(root, 'target/debug/shouhou-server');
  let running = launch(bin, dir, 0);
  const url = await running.url;
  const port = new URL(url).port;
  const stopChild = async () => {
    if (!running) return;
    const { child } = running;
    running = null;
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  };
  return {
    url,
    db,
    dist: path.join(dir, 'dist'),
    /** Rows of a query on the server's SQLite file, read by Python's sqlite3 (no native npm module). */
    rows(sql) {
      const out = execFileSync('python3', ['-c',
        'import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall(), ensure_ascii=False))',
        db, sql], { encoding: 'utf8' });
      return JSON.parse(out);
    },
    /** Kills the server at once (no graceful shutdown): the site is simply unreachable. */
    kill: stopChild,
    /** Starts it again on the same port and database. */
    async restart() {
      await stopChild();
      running = launch(bin, dir, port);
      await running.url;
    },
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend({
  // One server per test: every journey starts from an empty database.
  server: async ({}, use) => {
    const server = await startServer();
    await use(server);
    await server.stop();
  },
  page: async ({ page }, use) => {
    const problems = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource|net::ERR_/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    await use(page);
    expect(problems, 'the page logged no errors').toEqual([]);
  },
});
export { expect };

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
 * step and moves on. The defaults make an out-of-warranty repair (no photo needed).
 */
export async function walkToReview(page, m, { name, phone, email, purchase = '2020-03-01', description, choices = { resolution: 'repair' }, onProblem } = {}) {
  const heading = page.getByRole('heading', { level: 1 });
  const next = () => page.getByRole('button', { name: m['step.next'], exact: true }).click();
  await expect(heading).toHaveText(m['step.contact']);
  if (name !== undefined) await page.getByLabel(m['field.full_name']).fill(name);
  if (phone !== undefined) await page.getByLabel(m['field.phone']).fill(phone);
  if (email) await page.getByLabel(m['field.email']).fill(email);
  await next();
  await expect(heading).toHaveText(m['step.product']);
  if (purchase) await page.getByLabel(m['field.purchase_date']).fill(purchase);
  await next();
  await expect(heading).toHaveText(m['step.problem']);
  if (description !== undefined) await page.getByLabel(m['field.description']).fill(description);
  for (const [field, value] of Object.entries(choices)) {
    const radio = page.getByRole('radio', { name: m[`${field}.${value}`], exact: true });
    await radio.click();
    await expect(radio).toBeChecked();
  }
  if (onProblem) await onProblem();
  await next();
  await expect(heading).toHaveText(m['step.review']);
}

/** The same, then "Submit request" on the review page. */
export async function submitFromContact(page, m, details) {
  await walkToReview(page, m, details);
  await page.getByRole('button', { name: m['details.submit'] }).click();
}
