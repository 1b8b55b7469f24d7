// Shouhou's service worker: after one visit the app opens and works with no network.
//
// - The page (navigations), config.json and flows are network-first, so a company's change
//   reaches customers at their next online visit; offline the last copy is used.
// - Everything else of the app (wasm, JS, CSS, icons) is cache-first within one build: this
//   file carries the build's id (written by scripts/build-app.sh), so a new build means a new
//   worker with a fresh cache, which waits until the customer accepts it — a new version is
//   offered, never forced in the middle of a step.
// - /api is never cached: requests go through the app's outbox, not through here; nor is the
//   staff desk (/desk/), a separate app with its own page.
const BUILD = '__BUILD_ID__';
const CACHE = `shouhou-${BUILD}`;
const SHELL = ['./', 'index.html', 'boot.js', 'app.css', 'icon.svg', 'config.json', 'i18n/zh-CN.json', 'i18n/en.json', 'pkg/shouhou.js', 'pkg/shouhou_bg.wasm', 'vendor/qrcode.mjs'];
const NETWORK_FIRST = /\/(config\.json|flows\/[^/]+\.json)$/;
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })));
    // Guided help offline too: the flows of every configured product line (a line without
    // a flow simply has none to cache).
    try {
      const config = await (await cache.match('config.json')).json();
      await Promise.all(config.product_lines.map(async ({ id }) => {
        const response = await fetch(`flows/${encodeURIComponent(id)}.json`, { cache: 'reload' });
        if (response.ok) await cache.put(`flows/${encodeURIComponent(id)}.json`, response);
      }));
    } catch (error) {
      console.warn('shouhou sw: flows not cached', error);
    }
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('shouhou-') && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request, cacheKey, timeoutMs) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), timeoutMs);
    if (response.ok) await cache.put(cacheKey, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Never /api (requests go through the outbox), never the staff desk: it is another app, and
  // its page must not take the customer's place in this cache.
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.includes('/api/')
    || url.pathname === '/desk' || url.pathname.startsWith('/desk/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, 'index.html', NAVIGATION_TIMEOUT_MS));
  } else if (NETWORK_FIRST.test(url.pathname)) {
    event.respondWith(networkFirst(request, request, NAVIGATION_TIMEOUT_MS));
  } else {
    event.respondWith(cacheFirst(request));
  }
});
