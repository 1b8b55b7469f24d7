// Shouhou's service worker: after one visit the app opens and works with no network.
//
// - Pages (navigations, and the early screens boot.js fetches) come from the network, the
//   server's answer never kept: a page the server drew for one address carries that
//   address's draft. Offline (or the network too slow), the seedless page is the answer,
//   and the app draws the screen from what the device keeps. Navigation preload starts the
//   request while the worker starts.
// - config.json, flows under their plain names (the staff desk reads those) and the apps'
//   manifests (the brand is the configuration's) are network-first, so a company's change
//   reaches people at their next online visit; offline the last copy is used. The install
//   icons are cached when the browser first asks for them, never at install: the customer's
//   first load does not carry them.
// - Everything else is a file under its content-hashed name (scripts/hash-files.mjs writes
//   the lists below): precached at install, then always from the cache. This file carries
//   the build's id, so a new build means a new worker with a fresh cache, which waits until
//   the customer accepts it — a new version is offered, never forced in the middle of a step.
// - /api is never cached: requests go through the app's outbox, not through here; nor is the
//   staff desk (/desk/) nor the engineer's app (/field/), separate apps with their own pages.
const BUILD = '__BUILD_ID__';
const CACHE = `shouhou-${BUILD}`;
const SHELL = ['index.html', 'icon.svg', 'config.json'].concat(/*SHELL_FILES*/[]);
// Guided help offline too: every line's flow (a line without one simply has none to cache).
const FLOWS = /*FLOW_FILES*/[];
const NETWORK_FIRST = /^\/(config\.json|flows\/[^/.]+\.json|\w+\.webmanifest)$/;
const NAVIGATION_TIMEOUT_MS = 4000;
const EARLY_SCREENS = /^\/(help|form\/[^/]+)$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })));
    await Promise.all(FLOWS.map(async (path) => {
      try {
        const response = await fetch(path, { cache: 'reload' });
        if (response.ok) await cache.put(path, response);
      } catch (error) {
        console.warn('shouhou sw: flow not cached', path, error);
      }
    }));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('shouhou-') && name !== CACHE).map((name) => caches.delete(name)));
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
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

async function navigation(event) {
  try {
    return await withTimeout((async () => (await event.preloadResponse) || fetch(event.request))(), NAVIGATION_TIMEOUT_MS);
  } catch (error) {
    const shell = await (await caches.open(CACHE)).match('index.html');
    if (shell) return shell;
    throw error;
  }
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request);
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
  // Never /api (requests go through the outbox), never the staff desk or the engineer's app:
  // they are other apps (the engineer's has its own worker), and their pages must not take
  // the customer's place in this cache.
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.includes('/api/')
    || /^\/(desk|field)(\/|$)/.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(event));
  } else if (EARLY_SCREENS.test(url.pathname)) {
    // The early screens boot.js fetches (warmed, or followed in place): the network's, with
    // the browser's own short cache, as a navigation would get them; offline, boot.js
    // navigates instead and gets the seedless page.
  } else if (NETWORK_FIRST.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});
