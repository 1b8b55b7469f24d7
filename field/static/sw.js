// The engineer's app's service worker (scope /field/): the app opens on a tablet with no
// signal. Its files (page, script, glue, wasm, stylesheet, messages) are precached at install
// and served from the cache; the page itself and /config.json are network-first, the last
// copy served offline. /api is never cached: what the app reads is kept in IndexedDB by the
// app, and what it sends goes through its outbox. This file carries the build's id, so a
// new build is a new worker with a fresh cache.
const BUILD = '__BUILD_ID__';
const CACHE = `shouhou-field-${BUILD}`;
// The build lists every file of dist/field/ here (scripts/build-field.sh): the glue's
// snippets too, which the glue imports under names of the build's choosing.
const SHELL = ['/field/', '/config.json', '/icon.svg'].concat(/*SHELL_FILES*/[]);
const NETWORK_FIRST = /^\/(field\/|config\.json)$/;
const TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('shouhou-field-') && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), TIMEOUT_MS);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
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
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // Every address of the app is the same page: the app draws the screen from its address.
    event.respondWith(networkFirst(request, '/field/'));
  } else if (NETWORK_FIRST.test(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  } else {
    event.respondWith(cacheFirst(request));
  }
});
