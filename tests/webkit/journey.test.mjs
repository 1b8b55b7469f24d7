// The customer's journey in a second engine: WebKit, the engine of every iPhone browser, where
// taking a server-drawn screen over is most likely to differ from Chromium. Debian's
// WebKitWebDriver drives its MiniBrowser (under a virtual display) over WebDriver, against the
// real intake server. Run by scripts/webkit.sh (node's test runner), which starts the driver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';

import { root, startServer } from '../e2e/server.mjs';

const messages = (lang) => JSON.parse(readFileSync(path.join(root, `static/i18n/${lang}.json`), 'utf8'));
const [m, zh] = [messages('en'), messages('zh-CN')];
const config = JSON.parse(readFileSync(path.join(root, 'static/config.json'), 'utf8'));
const productName = (id) => config.product_lines.find((line) => line.id === id).name.en;
const WAIT = 20_000;

let driver;
before(async () => {
  driver = await new Builder()
    .usingServer(process.env.WEBKIT_DRIVER_URL)
    .withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: process.env.WEBKIT_BROWSER,
        // Automation mode; the page's console goes to the driver's log (target/webkit-driver.log).
        args: ['--automation', '--enable-write-console-messages-to-stdout=true'],
      },
    })
    .build();
});
after(async () => { await driver?.quit(); });

/** The server with lines served without a flow, as the Chromium journeys use: the form
 *  comes straight after the start step. */
const serverWithoutFlows = () => startServer(null, ['appliance', 'car-service']);

/** The start step in English: the customer switches to it where this browser's own language
 *  gave Chinese (the choice is a cookie for the host, so a later test's server has it). */
async function inEnglish(server) {
  await driver.get(server.url);
  let shown = '';
  await driver.wait(async () => [m['start.heading'], zh['start.heading']].includes(shown = await heading().catch(() => '')), WAIT);
  if (shown !== m['start.heading']) {
    await (await driver.findElement(By.css('.lang-switch[lang="en"]'))).click();
    await headingIs(m['start.heading']);
  }
}

const heading = async () => (await driver.findElement(By.css('h1'))).getText();
async function headingIs(text, timeout = WAIT) {
  let seen = '';
  await driver.wait(async () => (seen = await heading().catch(() => '')) === text, timeout)
    .catch(async (error) => {
      const said = await driver.executeScript(
        "return [...document.querySelectorAll('[role=alert], .error-summary, .field-error')].map((e) => e.innerText).join(' | ')");
      throw new Error(`the heading is "${seen}", not "${text}"; the page says: ${said} (${error.message})`);
    });
}

/** The control a label names (its own words, without a hint beside them): by the label's
 *  `for`, or the control inside it. */
async function byLabel(text) {
  const words = JSON.stringify(text);
  const label = await driver.wait(until.elementLocated(By.xpath(
    `//label[normalize-space(.)=${words} or .//text()[normalize-space(.)=${words}]]`)), WAIT);
  const target = await label.getAttribute('for');
  return target ? driver.findElement(By.id(target)) : label.findElement(By.css('input, textarea, select'));
}
/** Picks the radio button a label names, in the middle of the screen as a customer would
 *  (WebKit's driver clicks where the element was before scrolling settled, by an edge), and
 *  sees it picked. */
async function choose(text) {
  const radio = await byLabel(text);
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", radio);
  await radio.click();
  await driver.wait(() => radio.isSelected(), WAIT, `"${text}" to be chosen`);
}
/** The app has taken the server's screen over (it fetches itself at the first text field).
 *  A press in between is kept and done by the app (the Chromium journeys race it); WebDriver
 *  here waits, as its click fails outright on an element being taken over. */
async function appRunning() {
  await driver.wait(until.elementLocated(By.css('html[data-app="running"]')), WAIT, 'the app to run');
}

/** The draft on screen is saved (the status beside the form says so). */
async function saved() {
  await driver.wait(async () => (await driver.findElement(By.css('[data-testid="save-status"]')).getText()
    .catch(() => '')) === m['autosave.saved'], WAIT, 'the draft to be saved');
}
/** Presses the button these words name, in the middle of the screen as a customer would. */
async function press(text) {
  const button = await driver.wait(until.elementLocated(By.xpath(
    `//button[normalize-space(.)=${JSON.stringify(text)}]`)), WAIT);
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", button);
  await button.click();
}

async function valueIs(label, expected) {
  await driver.wait(async () => {
    try { return (await (await byLabel(label)).getAttribute('value')) === expected; } catch { return false; }
  }, WAIT, `"${label}" to hold "${expected}"`);
}

/** Stored drafts, as IndexedDB holds them. */
const storedDrafts = () => driver.executeAsyncScript(`
  const done = arguments[arguments.length - 1];
  try {
    const open = indexedDB.open('shouhou');
    open.onerror = () => done({ error: String(open.error) });
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('drafts')) { db.close(); done([]); return; }
      const all = db.transaction('drafts').objectStore('drafts').getAll();
      all.onsuccess = () => { db.close(); done(JSON.parse(JSON.stringify(all.result))); };
      all.onerror = () => done({ error: String(all.error) });
    };
  } catch (error) { done({ error: String(error) }); }`);

async function startStep() {
  await headingIs(m['start.heading']);
  await choose(m['intent.repair']);
  await choose(productName('appliance'));
  await press(m['start.continue']);
  await headingIs(m['step.contact']);
}

test('start step, choices, the first text field, typing; a reload keeps the draft', async () => {
  const server = await serverWithoutFlows();
  try {
    await inEnglish(server);
    await startStep();
    const typed = 'Wang Fang 王芳';
    const name = await byLabel(m['field.full_name']);
    await name.click();
    await name.sendKeys(typed);
    await valueIs(m['field.full_name'], typed);
    await appRunning();
    // Kept in IndexedDB by the app, which took the server's screen over.
    await driver.wait(async () => (await storedDrafts()).some((d) => d.fields?.full_name === typed), WAIT,
      'the draft to be stored with the name');

    await driver.navigate().refresh();
    await headingIs(m['step.contact']);
    await valueIs(m['field.full_name'], typed);
  } finally {
    await server.stop();
  }
});

test('a request submitted while the server is unreachable is sent, once, when it is back', async () => {
  const server = await serverWithoutFlows();
  try {
    await inEnglish(server);
    await startStep();
    await (await byLabel(m['field.full_name'])).sendKeys('Gao Min');
    await (await byLabel(m['field.phone'])).sendKeys('13812345678');
    await appRunning();
    await press(m['step.next']);
    await headingIs(m['step.product']);
    await (await byLabel(m['field.purchase_date'])).sendKeys('2020-03-01');
    await press(m['step.next']);
    await headingIs(m['step.problem']);
    await (await byLabel(m['field.description'])).sendKeys('Washing machine shows E21 and will not drain.');
    await saved();
    await choose(m['resolution.repair']);
    await press(m['step.next']);
    await headingIs(m['step.review']);

    await server.kill();
    await press(m['details.submit']);
    await headingIs(m['sending.waiting_heading']);
    assert.equal(await heading(), m['sending.waiting_heading']);

    await server.restart();
    await headingIs(m['confirm.heading'], 60_000);
    // Once, as the customer gave it (kept in the international form).
    assert.deepEqual(server.rows('SELECT full_name, phone FROM requests'), [['Gao Min', '+8613812345678']]);
  } finally {
    await server.stop();
  }
});
