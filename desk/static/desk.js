// Starts the staff desk's wasm (a file, not an inline script: the server's CSP allows no other).
import init from '/desk/pkg/shouhou_desk.js';

init();
