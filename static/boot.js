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
const messagesOf = (lang) => json(`/i18n/${lang}.json`);

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
  const switchTo = lang === 'en' ? 'zh-CN' : 'en';
  const form = element('form', { class: 'step', novalidate: '' },
    element('p', { class: 'step-progress' }, text('step.progress', { current: 1, total: 5 })),
    element('h1', { tabindex: '-1' }, text('start.heading')),
    element('p', { class: 'lead' }, text('start.intro')),
    choiceGroup('intent', text('field.intent'),
      ['consultation', 'repair', 'return_exchange_refund', 'complaint', 'onsite_report'].map((i) => [i, text(`intent.${i}`)])),
    choiceGroup('product_line', text('field.product_line'), config.product_lines.map((l) => [l.id, l.name[lang]])),
    element('div', { class: 'actions' }, element('button', { type: 'submit', class: 'primary' }, text('start.continue'))),
    element('p', { class: 'check-request' }, element('a', { href: '/status' }, text('start.check_request'))));
  for (const name of ['intent', 'product_line']) {
    const input = kept[name] && form.querySelector(`input[name="${name}"][value="${CSS.escape(kept[name])}"]`);
    if (input) input.checked = true;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    root.dataset.continue = 'yes';
    const button = form.querySelector('button[type=submit]');
    button.setAttribute('aria-busy', 'true');
    button.textContent = text('app.loading');
  });
  const langButton = element('button', { type: 'button', class: 'lang-switch', lang: text('lang.switch_tag') }, text('lang.switch'));
  langButton.addEventListener('click', () => {
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
  root.replaceChildren(
    element('a', { class: 'skip-link', href: '#main' }, text('app.skip_to_main')),
    element('header', { class: 'masthead' }, element('p', { class: 'brand' }, config.brand[lang]), langButton),
    element('main', { id: 'main', tabindex: '-1' }, form));
}

function loadApp() {
  import('/pkg/shouhou.js').then(({ default: init }) => init({ module_or_path: '/pkg/shouhou_bg.wasm' }));
}

async function start() {
  const root = document.getElementById('boot');
  const choices = startChoices();
  if (choices && root) {
    const lang = chosenLanguage();
    try {
      const [config, m] = await Promise.all([json('/config.json'), messagesOf(lang)]);
      draw(root, lang, config, m, choices);
      root.hidden = false;
      document.getElementById('app').hidden = true;
    } catch (_) {
      // Offline before the first visit, or a broken file: the app says so in its own words.
    }
  }
  // After the first screen is painted, so it never waits for the app.
  requestAnimationFrame(() => setTimeout(loadApp, 0));
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
