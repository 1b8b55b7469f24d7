// The first screen before the app: the start step drawn from config.json and the message
// table alone, so a customer on a slow phone can choose at once while the app (wasm) loads
// behind it. It draws exactly the markup of the app's start step (pages/start.rs: same ids,
// names and labels), and the app adopts it: the choices made here, a press of "Continue"
// and the focused control carry over (src/hooks/adopt.rs). Anywhere but the bare start
// address, and for a customer with a draft in progress, it only loads the app.
//
// It also registers the offline app shell (sw.js), whose new versions are offered by the
// app, never forced: the app learns of one from the "shouhou-update" event.
const LANG_KEY = 'shouhou.lang';
const RESUME_KEY = 'shouhou.resume';

function chosenLanguage() {
  let tag = null;
  try { tag = localStorage.getItem(LANG_KEY); } catch (_) {}
  if (tag) return tag.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
  const first = (navigator.languages || []).map((l) => l.toLowerCase()).find((l) => /^(zh|en)\b/.test(l));
  return first && first.startsWith('en') ? 'en' : 'zh-CN';
}

const json = (url) => fetch(url).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${url}: HTTP ${r.status}`))));
/** The start step's words: from the page itself (the build puts them there), else fetched. */
const messagesOf = (lang) => {
  try {
    const words = JSON.parse(document.getElementById('start-words').textContent)[lang];
    if (words) return Promise.resolve(words);
  } catch (_) {}
  return json(`/i18n/${lang}.json`);
};

/**
 * The draft's start choices when the bare start address would show the start step (the app
 * keeps this hint: src/hooks/adopt.rs); null when the app would show another screen.
 */
function startChoices() {
  if (location.pathname !== '/' || /(^|[?&])status=/.test(location.search)) return null;
  try {
    const hint = JSON.parse(localStorage.getItem(RESUME_KEY) || '{"path":"/"}');
    return hint.path === '/' ? hint : null;
  } catch (_) { return {}; }
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function choiceGroup(field, legend, options) {
  const choices = element('div', { class: 'choices' });
  options.forEach(([value, label], index) => {
    const id = index === 0 ? `f-${field}` : `f-${field}-${value}`;
    choices.append(element('div', { class: 'choice' },
      element('input', { type: 'radio', id, name: field, value }),
      element('label', { for: id }, label)));
  });
  return element('fieldset', { class: 'field' }, element('legend', {}, legend), choices);
}

function draw(root, lang, config, m, kept) {
  const text = (key, values = {}) => (m[key] || key).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
  const form = element('form', { class: 'step', novalidate: '' },
    element('p', { class: 'step-progress' }, text('step.progress', { current: 1, total: 5 })),
    element('h1', { tabindex: '-1' }, text('start.heading')),
    element('p', { class: 'lead' }, text('start.intro')),
    choiceGroup('intent', text('field.intent'),
      ['consultation', 'repair', 'return_exchange_refund', 'complaint']
        .concat(config.mode === 'staff' ? ['onsite_report'] : []).map((i) => [i, text(`intent.${i}`)])),
    choiceGroup('product_line', text('field.product_line'), config.product_lines.map((l) => [l.id, l.name[lang]])),
    element('div', { class: 'actions' }, element('button', { type: 'submit', class: 'primary' }, text('start.continue'))),
    element('p', { class: 'check-request' }, element('a', { href: '/status' }, text('start.check_request'))));
  for (const name of ['intent', 'product_line']) {
    const input = kept && kept[name] && form.querySelector(`input[name="${name}"][value="${CSS.escape(kept[name])}"]`);
    if (input) input.checked = true;
  }
  const langButton = element('button', { type: 'button', class: 'lang-switch', lang: text('lang.switch_tag') }, text('lang.switch'));
  root.replaceChildren(
    element('a', { class: 'skip-link', href: '#main' }, text('app.skip_to_main')),
    element('header', { class: 'masthead' }, element('p', { class: 'brand' }, config.brand[lang]), langButton),
    element('main', { id: 'main', tabindex: '-1' }, form));
  wire(root, lang, config, m);
}

/** Gives the start step on screen its behaviour: "Continue" before the app is here, and the
 *  language switch. */
function wire(root, lang, config, m) {
  const text = (key, values = {}) => (m[key] || key).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
  const switchTo = lang === 'en' ? 'zh-CN' : 'en';
  const form = root.querySelector('form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    root.dataset.continue = 'yes';
    const button = form.querySelector('button[type=submit]');
    button.setAttribute('aria-busy', 'true');
    button.textContent = text('app.loading');
  });
  root.querySelector('.lang-switch').addEventListener('click', () => {
    // Said at once, so an app that takes over before the messages arrive switches too.
    root.dataset.lang = switchTo;
    try { localStorage.setItem(LANG_KEY, switchTo); } catch (_) {}
    messagesOf(switchTo).then((other) => {
      draw(root, switchTo, config, other, Object.fromEntries(new FormData(form)));
      root.querySelector('.lang-switch').focus();
    }).catch(() => {});
  });
  root.dataset.lang = lang;
  document.documentElement.lang = lang;
  document.title = text('app.title');
}

let appRequested = false;
function loadApp() {
  if (appRequested) return;
  appRequested = true;
  import('/pkg/shouhou.js')
    .then(({ default: init }) => init({ module_or_path: '/pkg/shouhou_bg.wasm' }))
    .then(() => { for (const kind of FIRST_USE) removeEventListener(kind, loadApp, FIRST_USE_OPTIONS); })
    .catch((error) => {
      // Cut off (no network, or the page is being left mid-fetch): the next touch or key
      // tries again; the start step keeps working meanwhile.
      appRequested = false;
      console.warn(`the app did not load yet: ${error && error.message}`);
    });
}

/** Something of this device's must go out without waiting for the customer: a request in the
 *  outbox (the app keeps the hint), or counts of problems guided help solved. */
function somethingToSend(choices) {
  try {
    return Boolean(choices && choices.pending) || Boolean(localStorage.getItem('shouhou.pending.deflections'));
  } catch (_) { return true; }
}

/** A shared kiosk: its idle reset must run from the start, and its screen is touch-sized. */
function isKiosk() {
  try { return localStorage.getItem('shouhou.kiosk') === 'on'; } catch (_) { return false; }
}

/** Input that means the customer is using the early screen: the app is fetched then. */
const FIRST_USE = ['pointerdown', 'keydown', 'touchstart', 'focusin'];
const FIRST_USE_OPTIONS = { capture: true, passive: true };

/** Until the app has loaded, every such input asks for it (loadApp asks once at a time), so
 *  a fetch cut short is tried again at the next one. */
function listenForFirstUse() {
  for (const kind of FIRST_USE) addEventListener(kind, loadApp, FIRST_USE_OPTIONS);
}

async function start() {
  const kiosk = isKiosk();
  document.documentElement.classList.toggle('kiosk', kiosk);
  const root = document.getElementById('boot');
  const app = document.getElementById('app');
  const choices = startChoices();
  // The server may have sent the start step inside the page already (server/src/start_page.rs).
  const rendered = root && !root.hidden ? root.dataset.rendered : null;
  const lazy = !kiosk && !somethingToSend(choices);
  // While a pointer is down on the early screen the app waits to take it over (src/hooks/
  // adopt.rs), so the press ends in its click; cleared after the click has run.
  if (root) {
    root.addEventListener('pointerdown', () => { root.dataset.pressing = 'yes'; }, true);
    const lifted = () => setTimeout(() => { delete root.dataset.pressing; }, 0);
    addEventListener('pointerup', lifted, true);
    addEventListener('pointercancel', lifted, true);
  }
  // A language switch pressed on the server's page before its behaviour is wired below is
  // done once it is.
  let earlySwitch = false;
  const noteSwitch = (event) => { if (event.target.closest('.lang-switch')) earlySwitch = true; };
  if (rendered && choices) {
    // The customer may use it before anything below has finished: the first use fetches the
    // app, and "Continue" waits for it rather than leaving the page.
    if (lazy) listenForFirstUse();
    root.addEventListener('click', noteSwitch, true);
    root.addEventListener('submit', (event) => {
      event.preventDefault();
      root.dataset.continue = 'yes';
      loadApp();
    }, true);
  }
  let drawn = false;
  if (rendered && !choices) {
    // The draft is on another screen: that is the app's to show.
    root.hidden = true;
    app.hidden = false;
  } else if (choices && root) {
    const lang = chosenLanguage();
    if (rendered === lang) {
      // Already on screen: choices made before this ran are kept; the draft's are shown.
      const form = root.querySelector('form');
      for (const name of ['intent', 'product_line']) {
        const input = choices[name] && !form.querySelector(`input[name="${name}"]:checked`)
          && form.querySelector(`input[name="${name}"][value="${CSS.escape(choices[name])}"]`);
        if (input) input.checked = true;
      }
    }
    try {
      const [config, m] = await Promise.all([json('/config.json'), messagesOf(lang)]);
      if (rendered === lang) {
        wire(root, lang, config, m);
        root.removeEventListener('click', noteSwitch, true);
        if (earlySwitch) root.querySelector('.lang-switch').click();
      } else {
        const focused = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : '';
        draw(root, lang, config, m, rendered ? { ...choices, ...Object.fromEntries(new FormData(root.querySelector('form'))) } : choices);
        if (focused) document.getElementById(focused)?.focus();
      }
      root.hidden = false;
      app.hidden = true;
      drawn = true;
    } catch (_) {
      // Offline before the first visit, or a broken file: the app says so in its own words.
      if (rendered) { root.hidden = true; app.hidden = false; }
    }
  }
  if (drawn && lazy) {
    // The early screen works on its own: the app (and the work of starting it) comes with
    // the customer's first touch, key or focus, and is there by the time they continue.
    listenForFirstUse();
    root.dataset.app = 'on-first-use';
  } else {
    // Another screen, or something to send: the app at once, after this frame is painted.
    requestAnimationFrame(() => setTimeout(loadApp, 0));
  }
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

start();
registerServiceWorker();
