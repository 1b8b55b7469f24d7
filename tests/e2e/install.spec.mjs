// The apps are installable on a tablet or phone (issue 27): each page links its app's web app
// manifest in its own language, Chromium finds nothing in the way of installing the customer's
// app from `/` or the kiosk from `/kiosk`, and after a kiosk's first visit the service worker
// opens the kiosk's start address with no network, the manifest still answered.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, expectNoAxeViolations, watchCsp, serviceWorkerInControl, messages, heading, becomeKiosk } from './fixtures.mjs';

const m = messages.en;

/** What Chromium reads from the page: the manifest it links (address, parse errors, members)
 *  and what stands in the way of installing it. */
async function asChromiumSees(context, page) {
  const cdp = await context.newCDPSession(page);
  const { url, errors, data } = await cdp.send('Page.getAppManifest');
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  await cdp.detach();
  return { path: new URL(url).pathname + new URL(url).search, errors, manifest: JSON.parse(data), installabilityErrors };
}

test.describe('installable', () => {
  test.use({ kioskPin: true });

  test('the customer app from / and the kiosk from /kiosk, each with its own manifest', async ({ playwright, launchOptions, server }) => {
    // A profile on disk, like a tablet's browser: Chromium offers no install in an incognito
    // context, which is what Playwright's contexts otherwise are.
    const profile = mkdtempSync(path.join(tmpdir(), 'shouhou-install-'));
    const context = await playwright.chromium.launchPersistentContext(profile, {
      ...launchOptions, locale: 'en-GB', serviceWorkers: 'allow',
    });
    const checkCsp = await watchCsp(context);
    try {
      const page = context.pages()[0] || await context.newPage();
      // The install check's fetches wait until the page has loaded (boot.js gives the link its
      // address then, or once the app runs): on a slow phone they would share the line with
      // what the customer's first choice needs.
      let loadedAt = null;
      const installFetches = [];
      page.on('load', () => { loadedAt ??= Date.now(); });
      page.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (pathname.endsWith('.webmanifest') || pathname.startsWith('/icons/any-')) installFetches.push({ pathname, at: Date.now() });
      });
      await page.goto(server.url);
      await expect(heading(page)).toHaveText(m['start.heading']);
      await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/customer.webmanifest?lang=en');
      const customer = await asChromiumSees(context, page);
      expect(customer).toMatchObject({ path: '/customer.webmanifest?lang=en', errors: [], installabilityErrors: [] });
      expect(customer.manifest).toMatchObject({ start_url: '/', scope: '/', display: 'standalone', lang: 'en' });
      expect(installFetches.map((f) => f.pathname)).toContain('/customer.webmanifest');
      for (const fetched of installFetches) expect(fetched.at, fetched.pathname).toBeGreaterThanOrEqual(loadedAt);
      await expectNoAxeViolations(page, 'the start screen linking the customer app');

      // Staff make the tablet a kiosk at /kiosk, with the PIN.
      await becomeKiosk(page, server);
      await expect(heading(page)).toHaveText(m['start.heading']);
      await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/kiosk.webmanifest?lang=en');
      const kiosk = await asChromiumSees(context, page);
      expect(kiosk).toMatchObject({ path: '/kiosk.webmanifest?lang=en', errors: [], installabilityErrors: [] });
      expect(kiosk.manifest).toMatchObject({ start_url: '/kiosk', scope: '/', display: 'fullscreen', lang: 'en' });
      expect(kiosk.manifest.name).not.toEqual(customer.manifest.name);
      await expectNoAxeViolations(page, 'the kiosk start screen linking the kiosk');
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
    checkCsp();
  });

  test.describe('with the service worker', () => {
    test.use({ locale: 'en-GB', serviceWorkers: 'allow' });

    test('after a kiosk\'s first visit, /kiosk opens with the server gone and draws the kiosk start screen', async ({ page, context, server }) => {
      await page.goto(server.url);
      await serviceWorkerInControl(page);
      // Chromium asks for the page's manifest again once the worker answers for the page.
      await page.reload();
      await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/customer.webmanifest?lang=en');
      const { path: manifestPath, manifest } = await asChromiumSees(context, page);
      expect(manifestPath).toBe('/customer.webmanifest?lang=en');
      await becomeKiosk(page, server);
      await server.kill();

      await page.goto(`${server.url}/kiosk`);
      await expect(page.locator('html')).toHaveClass(/kiosk/);
      await expect(heading(page)).toHaveText(m['start.heading']);
      await expect(page.getByRole('button', { name: m['kiosk.staff'] })).toBeVisible();
      await expectNoAxeViolations(page, 'the kiosk start screen offline');
      // The manifest as last fetched, from the worker's cache.
      const offline = await page.evaluate(async (href) => (await fetch(href)).json(), manifestPath);
      expect(offline).toEqual(manifest);
    });
  });
});
