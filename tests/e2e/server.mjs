// The real intake server for a browser test: a debug build on a free loopback port, serving
// its own copy of the release build and its own SQLite file. Shared by the Playwright
// fixtures (fixtures.mjs) and the WebKit layer (tests/webkit), which drive different engines
// against the same server.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Starts the intake server; resolves to its URL. Port 0 picks a free one. */
function launch(bin, dir, port, config, extra = []) {
  const child = spawn(bin, [
    '--addr', `127.0.0.1:${port}`, '--db', path.join(dir, 'shouhou.sqlite3'),
    '--dist', path.join(dir, 'dist'), '--config', config, ...extra,
  ], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // One loopback client files dozens of requests in a journey (the chaos run 50): the
    // per-client limits are proven in server/tests/limits.rs, not here.
    env: { SHOUHOU_LIMIT_CREATE: '6000:1000', SHOUHOU_LIMIT_LOOKUP: '6000:1000', ...process.env, RUST_LOG: 'warn' },
  });
  const url = new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 15_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.stderr.on('data', (chunk) => { seen += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${seen}`)); });
  });
  return { child, url };
}

export async function startServer(backend, linesWithoutFlows = [], configChanges = null, serverArgs = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'shouhou-e2e-'));
  // A test may point the app at another backend: its own copy of the configuration.
  let config = path.join(root, 'static/config.json');
  if (backend || configChanges) {
    const changed = JSON.parse(readFileSync(config, 'utf8'));
    if (backend) changed.backend = backend;
    Object.assign(changed, configChanges || {});
    config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify(changed));
  }
  // Each test serves its own copy of the build, so a test may change it (a new version).
  cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  // Journeys that are not about guided help use lines served without a flow, as a company
  // may ship them: the form comes straight after the start (flows.spec.mjs walks the flows).
  // Every copy: the plain name, the hashed one the app fetches, and their .gz and .br.
  const flowFiles = readdirSync(path.join(dir, 'dist/flows'));
  for (const id of linesWithoutFlows) {
    for (const file of flowFiles.filter((name) => name.startsWith(`${id}.`))) rmSync(path.join(dir, 'dist/flows', file), { force: true });
  }
  const db = path.join(dir, 'shouhou.sqlite3');
  const bin = process.env.SHOUHOU_SERVER_BIN || path.join(root, 'target/debug/shouhou-server');
  let running = launch(bin, dir, 0, config, serverArgs);
  const url = await running.url;
  const port = new URL(url).port;
  const stopChild = async () => {
    if (!running) return;
    const { child } = running;
    running = null;
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  };
  return {
    url,
    db,
    dist: path.join(dir, 'dist'),
    /** Rows of a query on the server's SQLite file, read by Python's sqlite3 (no native npm module). */
    rows(sql) {
      const out = execFileSync('python3', ['-c',
        'import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall(), ensure_ascii=False))',
        db, sql], { encoding: 'utf8' });
      return JSON.parse(out);
    },
    /** Runs one statement on the server's SQLite file and commits it (SQLite's own locking
     *  keeps it apart from the server's writes): what a test uses to move a stored time back. */
    sql(statement) {
      execFileSync('python3', ['-c',
        'import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=10); c.execute(sys.argv[2]); c.commit()',
        db, statement]);
    },
    /** Kills the server at once (no graceful shutdown): the site is simply unreachable. */
    kill: stopChild,
    /** Starts it again on the same port and database. */
    async restart() {
      await stopChild();
      running = launch(bin, dir, port, config, serverArgs);
      await running.url;
    },
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
