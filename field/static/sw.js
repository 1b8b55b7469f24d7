// The engineer's app's service worker (scope /field/): the app opens on a tablet with no
// signal. Its files (page, script, glue, wasm, stylesheet, messages) are precached at install
// and served from the cache; the page itself and /config.json are network-first, the last
// copy served offline. Of /api only the requests' photos are cached (below): what else the
// app reads is kept in IndexedDB by the app, and what it sends goes through its outbox. This
// file carries the build's id, so a new build is a new worker with a fresh cache.
const BUILD = '__BUILD_ID__';
// Not `shouhou-…`: the customer's worker deletes every cache of that name but its own when a
// new build of the customer app activates, and this one must survive that in a plant room.
const CACHE = `field-${BUILD}`;
// The build lists every file of dist/field/ here (scripts/build-field.sh): the glue's
// snippets too, which the glue imports under names of the build's choosing.
const SHELL = ['/field/', '/config.json', '/icon.svg'].concat(/*SHELL_FILES*/[]);
const NETWORK_FIRST = /^\/(field\/|config\.json)$/;
const TIMEOUT_MS = 4000;
// The photos of the requests on the engineer's visit list: the app asks for each as it keeps
// the visits' details (field/src/load.rs), and a copy is kept here for use without signal.
// Not the build's: they outlive a new build. Network first, so a photo erased on the server
// (404) leaves the tablet too. The ones whose requests the list no longer holds a visit for
// (or only cancelled ones) leave when the list is read with signal; all of them leave when the
// engineer signs out (field/src/keep.rs deletes this cache by its name).
const PHOTOS = 'field-photos';
const PHOTO = /^\/api\/v1\/staff\/requests\/([^/]+)\/photos\/[^/]+$/;
const VISITS = '/api/v1/staff/visits';
// A photo is megabytes: on one bar of signal it takes longer than a page.
const PHOTO_TIMEOUT_MS = 30000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // No skipWaiting: the files keep their names from build to build, so a page running one
    // build must go on being answered from that build's cache. A new build takes over once
    // no window of the app is open (the next start), as the first one does at once.
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('field-') && name !== CACHE && name !== PHOTOS).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// Network first (the page and config.json: a change reaches the tablet at its next visit with
// signal), the last copy when there is none; or the cache first (the build's own files).
// A navigation is fetched by its address: a navigate request cannot be given a time limit.
async function answer(request, key, networkFirst) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(key);
  if (kept && !networkFirst) return kept;
  try {
    const response = await fetch(request.mode === 'navigate' ? request.url : request, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    if (kept) return kept;
    throw error;
  }
}

async function photo(request, key) {
  const cache = await caches.open(PHOTOS);
  // The app keeping the photos of its list asks as `force-cache`: each read of the list with
  // signal would otherwise fetch every photo again (the API's answers are `no-store`).
  if (request.cache === 'force-cache') {
    const kept = await cache.match(key);
    if (kept) return kept;
  }
  let response;
  try {
    response = await fetch(request, { signal: AbortSignal.timeout(PHOTO_TIMEOUT_MS) });
  } catch (error) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw error;
  }
  if (response.ok) await cache.put(key, response.clone());
  else if (response.status === 404) await cache.delete(key);
  return response;
}

// The visit list as the server sends it; the photos of requests it holds no visit for (or only
// cancelled ones, as the app keeps no details for) are forgotten first.
async function visits(request) {
  const response = await fetch(request);
  if (response.ok) {
    try {
      const open = new Set((await response.clone().json()).filter((visit) => visit.state !== 'cancelled').map((visit) => visit.reference));
      const cache = await caches.open(PHOTOS);
      for (const kept of await cache.keys()) {
        const reference = decodeURIComponent(PHOTO.exec(new URL(kept.url).pathname)[1]);
        if (!open.has(reference)) await cache.delete(kept);
      }
    } catch (error) {
      // A list that cannot be read forgets nothing; the app says what it could not read.
    }
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (PHOTO.test(url.pathname)) {
    event.respondWith(photo(request, url.pathname));
    return;
  }
  if (url.pathname === VISITS) {
    event.respondWith(visits(request));
    return;
  }
  if (url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // Every address of the app is the same page: the app draws the screen from its address.
    event.respondWith(answer(request, '/field/', true));
  } else {
    event.respondWith(answer(request, url.pathname, NETWORK_FIRST.test(url.pathname)));
  }
});
