// What the page runs before the app (wasm) arrives. It draws nothing: the server drew the
// screen with the app's own components (server/src/customer/pages.rs), and the app takes that markup
// over exactly as sent (src/lib.rs), so this script never adds, moves or removes an element
// of a screen; it only puts the server's next screen, whole, in place of this one.
// Until the app is running it
// - keeps what the customer types (localStorage `shouhou.early`) until the app's storage is
//   open ("shouhou-stored"), so a reload or a closed tab before then loses nothing: a reload
//   gives it back (values only) and the app takes it over (choices are in the address, and
//   the browser restores them itself);
// - keeps a press that needs the app (a button, a form the app sends) for the app to do;
// - fetches the next screens while the customer is still choosing;
// - loads the app at the first focus in a text field, at such a press, at a choice that
//   changes the screen (the app marks those `data-redraws`: a complaint asks what it is
//   about), or once the browser is idle on a screen with a text field; at once on a page the
//   app draws itself (the offline shell, screens that show what the device keeps), on a
//   kiosk, with something waiting to be sent, for a draft in progress that the bare address
//   resumes, or for typing kept on another page that the app never took over.
// - follows the early screens (the start step's form, guided help's link to the form) inside
//   this document: the server's page for the next address is fetched (usually warmed
//   already) and put in place of this one's body, as a navigation would show it, without a
//   new document's cost on a slow phone (parsing, styling, this script again). Back and
//   Forward show the screens as they were left.
// It also registers the offline app shell (sw.js), whose new versions the app offers: it
// learns of one from the "shouhou-update" event.
const files = JSON.parse(document.getElementById('shouhou-files')?.textContent || '{}');
const file = (path) => files[path] || path;
const seedBlock = document.getElementById('shouhou-seed');
const seed = seedBlock ? JSON.parse(seedBlock.textContent) : null;
const root = document.documentElement;
const address = () => location.pathname + location.search;
let here = address();
const EARLY = 'shouhou.early';

const stored = (key) => { try { return localStorage.getItem(key); } catch (_) { return null; } };
const storedJson = (key) => { try { return JSON.parse(stored(key)); } catch (_) { return null; } };
const cookie = (name, value) => { document.cookie = `${name}=${value}; Path=/; Max-Age=31536000; SameSite=Lax`; };

function loadApp() {
  if (root.dataset.app === 'loading' || root.dataset.app === 'running') return;
  root.dataset.app = 'loading';
  import(file('/pkg/shouhou.js'))
    .then(({ default: init }) => init({ module_or_path: file('/pkg/shouhou_bg.wasm') }))
    .catch((error) => {
      // Cut off (no network, or the page is being left): the next focus or press tries again.
      root.dataset.app = 'waiting';
      console.warn(`the app did not load yet: ${error && error.message}`);
    });
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').then((registration) => {
    const offer = () => {
      if (registration.waiting && navigator.serviceWorker.controller) {
        window.shouhouUpdateWaiting = true;
        window.dispatchEvent(new Event('shouhou-update'));
      }
    };
    offer();
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (worker) worker.addEventListener('statechange', () => worker.state === 'installed' && offer());
    });
    window.shouhouApplyUpdate = () => {
      if (!registration.waiting) return;
      navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
      registration.waiting.postMessage({ type: 'skip-waiting' });
    };
  }).catch((error) => console.warn('service worker not registered', error));
}

/** The server drew this page for settings kept before it read them from cookies: say them
 *  once (the app's switches keep both since), and have it drawn again if they differ. */
function settingsDiffer() {
  const kiosk = stored('shouhou.kiosk') === 'on';
  const lang = stored('shouhou.lang');
  let differ = false;
  if (kiosk && !seed.kiosk) {
    cookie('shouhou_kiosk', 'on');
    differ = document.cookie.includes('shouhou_kiosk=on');
  }
  if (lang && !document.cookie.includes('shouhou_lang=')) {
    cookie('shouhou_lang', lang);
    const other = !lang.toLowerCase().startsWith(seed.lang.slice(0, 2).toLowerCase());
    differ = differ || (other && document.cookie.includes('shouhou_lang='));
  }
  return differ;
}

const fields = () => document.querySelectorAll('#app input[name], #app textarea[name]');
const typed = (el) => !['radio', 'checkbox', 'hidden'].includes(el.type);

function journal(event) {
  if (!typed(event.target)) return;
  const values = {};
  for (const el of fields()) if (typed(el) && el.value) values[el.name] = el.value;
  try { localStorage.setItem(EARLY, JSON.stringify({ path: here, values, at: Date.now() })); } catch (_) {}
}

/** A reload before the app came: what was typed at this address comes back. */
function restore() {
  const kept = storedJson(EARLY);
  if (!kept || kept.path !== here) return;
  for (const el of fields()) if (typed(el) && !el.value && kept.values[el.name]) el.value = kept.values[el.name];
}

// The next screens, fetched while the customer is still choosing: pages are kept a minute,
// so the navigation that follows finds them here instead of over the network.
const warmed = new Set();
function warm(url) {
  if (warmed.has(url)) return;
  warmed.add(url);
  fetch(url).catch(() => warmed.delete(url));
}
function warmFromChoices() {
  const form = document.querySelector('#app form[action="/help"]');
  if (!form) return;
  const chosen = new URLSearchParams(new FormData(form));
  if (!chosen.get('intent') || !chosen.get('product_line')) return;
  warm(`/help?${chosen}`);
  warm(`/form/contact?${chosen}`);
}

/** What each early screen starts with: what was typed at its address, the next screens warmed. */
function arrive() {
  restore();
  // Typed before this script ran (it is deferred): kept as well.
  const early = [...fields()].find((el) => typed(el) && el.value);
  if (early) journal({ target: early });
  warmFromChoices();
  for (const link of document.querySelectorAll('#app a[href^="/form/"]')) warm(link.getAttribute('href'));
}

// The early screens' addresses, which the server draws with a seed; anything else (a place
// on this screen, "skip to main content", too) is the browser's.
const earlyScreen = (url) => url.origin === location.origin && !url.hash
  && (url.pathname === '/help' || url.pathname.startsWith('/form/'));
const screens = new Map();
let following = 0;

/** Shows the server's screen for `url` in this document, as a new history entry. Only while
 *  the app is not on its way: once it is loading, it reads the screen that is there. */
async function follow(url) {
  const ticket = ++following;
  let next = null;
  let final = null;
  if (root.dataset.app === 'waiting') {
    // The browser shows a navigation on its way; a fetch it does not: the page says so.
    document.body.setAttribute('aria-busy', 'true');
    try {
      // As long as the worker waits for a navigation before it answers with the offline page.
      const response = await fetch(url.href, { signal: AbortSignal.timeout(4000) });
      if (response.ok) {
        next = new DOMParser().parseFromString(await response.text(), 'text/html');
        final = new URL(response.url);
      }
    } catch (_) {}
  }
  if (ticket !== following) return;
  document.body.removeAttribute('aria-busy');
  // Cut off, slow, refused, not an early screen, another build's (an older worker's cached
  // copy), or the app set off meanwhile: the browser goes.
  const build = (doc) => doc.getElementById('shouhou-files')?.textContent;
  if (!next || !next.getElementById('shouhou-seed') || !earlyScreen(final) || build(next) !== build(document)
    || root.dataset.app !== 'waiting') {
    location.assign(url);
    return;
  }
  history.pushState(null, '', final.href);
  show([...next.body.childNodes], next.title, next.documentElement.lang);
  scrollTo(0, 0);
}

/** Puts a screen in place of the one shown, which is kept for Back and Forward at its
 *  address; the address bar already says the new one's. */
function show(nodes, title, lang) {
  // A screen is here: nothing is on its way (Back while a fetch was may end the wait).
  document.body.removeAttribute('aria-busy');
  screens.set(here, [...document.body.childNodes]);
  here = address();
  document.body.replaceChildren(...nodes);
  if (title) document.title = title;
  if (lang) root.lang = lang;
  // What the page asks focus for (the start step's errors), as at a page load; otherwise where
  // the app puts it on a screen the customer moved to: its heading.
  (document.querySelector('#app [autofocus]') || document.querySelector('#app h1'))?.focus({ preventScroll: true });
  arrive();
  whenTyping();
}

function keepEarlyUse() {
  arrive();
  addEventListener('input', journal, true);
  addEventListener('change', warmFromChoices, true);
  addEventListener('popstate', () => {
    if (root.dataset.app === 'running' || address() === here) return;
    const nodes = root.dataset.app === 'waiting' && screens.get(address());
    if (!nodes) {
      location.reload();
      return;
    }
    following += 1;
    show(nodes);
  });
  // A press that needs the app: kept (the same element stays when the app takes the page
  // over) and done by the app once it runs. The start step's form and links need no app.
  const keep = (target) => { window.shouhouEarlyPress = target; loadApp(); };
  const onClick = (event) => {
    const button = event.target.closest && event.target.closest('#app button');
    if (button && button.type !== 'submit') keep(button);
    const link = event.target.closest && event.target.closest('#app a[href]');
    const url = link && new URL(link.href);
    if (url && earlyScreen(url) && !link.target && !link.hasAttribute('download') && event.button === 0
      && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey && !event.defaultPrevented) {
      event.preventDefault();
      follow(url);
    }
  };
  const onSubmit = (event) => {
    const form = event.target;
    if (form.getAttribute('action')) {
      // As the browser sends it: a query always, if empty (an empty one is the start step's
      // errors, none at all the app's own page).
      const url = new URL(`${form.getAttribute('action')}?${new URLSearchParams(new FormData(form, event.submitter))}`, location.href);
      if (form.method !== 'get' || !earlyScreen(url)) return;
      event.preventDefault();
      follow(url);
      return;
    }
    event.preventDefault();
    keep(form);
  };
  const onFocus = (event) => { if (event.target.matches('#app input, #app textarea') && typed(event.target)) loadApp(); };
  const onChange = (event) => { if (event.target.matches('#app input[data-redraws]')) loadApp(); };
  addEventListener('click', onClick, true);
  addEventListener('submit', onSubmit, true);
  addEventListener('focusin', onFocus, true);
  addEventListener('change', onChange, true);
  // Once the app runs, everything is its own; typing is kept here until its storage is open
  // (the app keeps it from then on).
  addEventListener('shouhou-stored', () => removeEventListener('input', journal, true), { once: true });
  addEventListener('shouhou-app', () => {
    removeEventListener('click', onClick, true);
    removeEventListener('submit', onSubmit, true);
    removeEventListener('focusin', onFocus, true);
    removeEventListener('change', onChange, true);
  }, { once: true });
}

/** A screen with a text field: the app comes while the customer reads it (at once when it
 *  must, see appNeededNow). */
function whenTyping() {
  if (root.dataset.app !== 'waiting') return;
  if (appNeededNow()) loadApp();
  else if ([...fields()].some(typed)) {
    if ('requestIdleCallback' in window) requestIdleCallback(loadApp, { timeout: 3000 });
    else setTimeout(loadApp, 1000);
  }
}

/** Whether the app must come at once rather than at the customer's first use. */
function appNeededNow() {
  if (!seed || seed.kiosk) return true;
  const hint = storedJson('shouhou.resume');
  if (hint && hint.pending) return true;
  if (stored('shouhou.pending.deflections')) return true;
  const early = storedJson(EARLY);
  if (early && early.path !== here) return true;
  // The bare address resumes a draft in progress where it was left (its choices too).
  const inProgress = hint && (hint.path !== '/' || hint.intent || hint.product_line);
  return location.pathname === '/' && !location.search && Boolean(inProgress);
}

/** The install check's manifest (`data-href` until now): Chromium fetches it, and the icon it
 *  names, as soon as the link has an address, and on a slow phone those 3.6 KB would share the
 *  line with the app the customer's first choice sends for. So the address comes once the app
 *  runs, or once a customer has only looked for a few seconds; at once on a page the app alone
 *  draws (no seed), which the app is already loading for. */
function linkManifest() {
  const link = document.querySelector('link[rel="manifest"][data-href]');
  if (link && !link.hasAttribute('href')) link.setAttribute('href', link.dataset.href);
}
if (seed) {
  addEventListener('shouhou-app', linkManifest, { once: true });
  addEventListener('load', () => setTimeout(() => root.dataset.app === 'loading' || linkManifest(), 3000), { once: true });
} else {
  linkManifest();
}

registerServiceWorker();
// Anything on the page may ask for the app before the customer needs it (tests do).
addEventListener('shouhou-load', loadApp);
if (seed && settingsDiffer()) {
  location.reload();
} else {
  if (seed) keepEarlyUse();
  root.dataset.app = 'waiting';
  whenTyping();
}
