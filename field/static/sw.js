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
// Not the build's: they outlive a new build. A photo never changes under its id, so one kept
// is answered from here. What the server no longer lists leaves when it is read with signal:
// the photos a request's details no longer name (erased, or the request gone), and those of
// requests the visit list no longer holds a visit for (or only cancelled ones); all of them
// leave when the engineer signs out (field/src/keep.rs deletes this cache by its name).
const PHOTOS = 'field-photos';
const PHOTO = /^\/api\/v1\/staff\/requests\/([^/]+)\/photos\/([^/]+)$/;
const DETAILS = /^\/api\/v1\/staff\/requests\/([^/]+)$/;
const VISITS = '/api/v1/staff/visits';
// A photo is megabytes: on one bar of signal it takes minutes, and one cut off is not kept.
const PHOTO_TIMEOUT_MS = 180000;

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
  const kept = await cache.match(key);
  if (kept) return kept;
  const response = await fetch(request, { signal: AbortSignal.timeout(PHOTO_TIMEOUT_MS) });
  if (response.ok) {
    try {
      await cache.put(key, response.clone());
    } catch (error) {
      // Not kept (the tablet's storage is full): shown all the same.
    }
  }
  return response;
}

// Forgets the kept photos whose request and id `keep(reference, id)` says no longer to keep.
async function forget(keep) {
  const cache = await caches.open(PHOTOS);
  for (const kept of await cache.keys()) {
    let named;
    try {
      named = PHOTO.exec(new URL(kept.url).pathname).map(decodeURIComponent);
    } catch (error) {
      named = [];
    }
    // A key that cannot be read as a photo's is not one to keep.
    if (named.length === 0 || !keep(named[1], named[2])) await cache.delete(kept);
  }
}

// An answer of the server's passed on, once what it says no longer to keep is forgotten: the
// photos a request's details no longer name, or of requests the visit list no longer holds
// a visit for (or only cancelled ones, as the app keeps no details for).
async function passing(request, keepFrom) {
  const response = await fetch(request);
  if (response.ok || response.status === 404) {
    try {
      await forget(keepFrom(response.ok ? await response.clone().json() : null));
    } catch (error) {
      // An answer that cannot be read forgets nothing; the app says what it could not read.
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
  const details = DETAILS.exec(url.pathname);
  if (details) {
    const reference = decodeURIComponent(details[1]);
    const named = (detail) => new Set(detail ? detail.request.photos.map((photo) => photo.id) : []);
    event.respondWith(passing(request, (detail) => {
      const ids = named(detail);
      return (kept, id) => kept !== reference || ids.has(id);
    }));
    return;
  }
  if (url.pathname === VISITS) {
    event.respondWith(passing(request, (list) => {
      const open = new Set(list.filter((visit) => visit.state !== 'cancelled').map((visit) => visit.reference));
      return (reference) => open.has(reference);
    }));
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
