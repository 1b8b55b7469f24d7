// Starts the engineer's app (a file, not an inline script: the server's CSP allows no other),
// and registers its service worker, scoped to /field/, which serves the app offline.
import init from '/field/pkg/shouhou_field.js';

init();
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' }).catch((error) => {
    console.warn('shouhou field: no offline shell', error);
  });
}
