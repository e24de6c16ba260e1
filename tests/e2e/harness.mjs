// Shared pieces of the end-to-end tests: the system Chromium, a loopback
// static server for dist/web, console-error collection and screenshots.
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Flags this machine needs: no background networking (its connections are refused here).
export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Calls `onLine` with each line `stream` writes, once the line is whole:
 * a chunk from a pipe can end mid-line. */
function eachLine(stream, onLine) {
  let partial = '';
  stream.on('data', (d) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop();
    lines.filter(Boolean).forEach(onLine);
  });
}

/** The first URL `child` prints on stdout; if it exits first, an error
 * naming `what` and adding `log()`. */
function printedUrl(child, what, log = () => '') {
  return new Promise((resolve, reject) => {
    eachLine(child.stdout, (line) => {
      const url = /http:\S+/.exec(line);
      if (url) resolve(url[0]);
    });
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}${log()}`)));
  });
}

/** Serves `dir` on 127.0.0.1 (a free port) with `make run`'s own server,
 * scripts/serve.py (a file's shipped `.gz` to a browser that accepts gzip);
 * resolves to { url, close }. */
export async function serve(dir) {
  const child = spawn('python3', [path.join(ROOT, 'scripts', 'serve.py'), '0', '127.0.0.1', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  // Its request log is kept for the error, should it stop.
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-2000); });
  const url = await printedUrl(child, 'scripts/serve.py', () => `: ${log}`);
  return { url, close: () => new Promise((r) => { child.once('exit', r); child.kill(); }) };
}

export async function launch(options = {}) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options });
}

/** The browser and the dist/web server of a page test file: set by
 * `usePageServer`'s hooks (ES module bindings are live, so an importer sees
 * them once its tests run). */
export let browser;
export let server;

/** Starts Chromium and a loopback server for dist/web before the calling
 * file's tests, and stops both after them. */
export function usePageServer() {
  before(async () => {
    browser = await launch();
    server = await serve(path.join(DIST, 'web'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** A persistent profile (a new one unless given, to restart the browser on
 * the same one) with the unpacked extension at `dir` loaded. */
export async function launchWithExtension(dir, profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecekit-profile-'))) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 15000 });
  const id = new URL(worker.url()).host;
  return { context, id, profile };
}

/** Records console errors and uncaught page errors of `page`. */
export function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export const AREAS = ['guided', 'keystore', 'policy', 'repository', 'validate', 'connection'];

/** Waits for the app to render and checks its navigation lists every area. */
export async function expectShell(page, assert) {
  await page.waitForSelector('nav.nav a[data-area="validate"]', { timeout: 20000 });
  const areas = await page.$$eval('nav.nav a[data-area]', (links) => links.map((a) => a.dataset.area));
  assert.deepEqual(areas, AREAS);
  const h1 = await page.textContent('main h1');
  assert.ok(h1 && h1.length > 0, 'the page has a heading');
}

/** Opens the extension's side panel page on the Connection area; console
 * lines and page errors go to `log`. */
export async function openConnectionPanel(context, extensionId, log) {
  const page = await context.newPage();
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e}`));
  await page.goto(`chrome-extension://${extensionId}/sidepanel.html#/connection`);
  await page.waitForSelector('[data-section="profile"]', { timeout: 20000 });
  return page;
}

/** Starts `target/release/ecekit simulator` on a free loopback port with the
 * extra `args`; each line it logs on stderr goes to `onLog`. Resolves to
 * { sim, base } with base the origin (http://127.0.0.1:PORT). */
export async function startSimulator(args, onLog = () => {}) {
  const bin = path.join(ROOT, 'target', 'release', 'ecekit');
  if (!fs.existsSync(bin)) throw new Error('target/release/ecekit is missing: run make build');
  const sim = spawn(bin, ['simulator', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  eachLine(sim.stderr, onLog);
  const url = await printedUrl(sim, 'the simulator');
  return { sim, base: url.replace(/\/api\/v1\/?$/, '') };
}

/** The texts in `main` that show a `backticked` span as it was written
 * instead of as code (text in pre, code, inputs and the editor is the user's
 * or a payload, and left out). */
export function rawBacktickTexts(page) {
  return page.evaluate(() => {
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    const raw = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('pre, code, textarea, .editor-body')) continue;
      if (/`[^`]+`/.test(node.textContent)) raw.push(node.textContent);
    }
    return raw;
  });
}

/** Waits until `area` is the current area and its content is on screen; the
 * Connection area's content comes from a module fetched on its first open. */
export async function waitForArea(page, area) {
  await page.waitForSelector(`nav a[data-area="${area}"][aria-current="page"]`);
  if (area === 'connection') await page.waitForSelector('main section[data-area="connection"]');
}

/** `count()` once it has settled: at least `atLeast`, then unchanged for
 * 300 ms (5 s at most). For counts of the simulator's log lines, which come
 * through a pipe after the replies. */
export async function settledCount(count, atLeast = 0) {
  let last = count();
  let since = Date.now();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (last >= atLeast && Date.now() - since >= 300) {
      break;
    }
  }
  return last;
}

/** Waits until a line of `log` (the simulator's lines as they arrive)
 * matches `pattern`: the simulator writes its line after it answers, so the
 * page can have read the answer before the line comes through the pipe. */
export async function waitForLogLine(log, pattern, timeout = 5000) {
  const deadline = Date.now() + timeout;
  while (!log.some((l) => pattern.test(l))) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** A copy of dist/extension whose manifest also grants http://127.0.0.1/*:
 * the state after a user clicked "Grant access" for the simulator and said
 * yes (a headless browser cannot answer the permission prompt). */
export function extensionWithLoopbackAccess() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecekit-ext-'));
  fs.cpSync(path.join(DIST, 'extension'), dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (manifest.host_permissions) throw new Error('the shipped manifest must ask for no host permission');
  manifest.host_permissions = ['http://127.0.0.1/*'];
  fs.writeFileSync(file, JSON.stringify(manifest));
  return dir;
}

/** Clicks the Send button `action` of the Connection area once it is enabled,
 * waits for a new final status of operation `status` (a higher
 * `data-update` than before the click: the last result may read the same, or
 * still be on screen before the click takes effect) and returns its text. */
export async function runOperation(page, action, status, timeout = 30000) {
  await page.waitForSelector(`[data-action="${action}"]:not([disabled])`, { timeout });
  const sel = `[data-status="${status}"]`;
  const before = await page.evaluate(
    (s) => Number(document.querySelector(s)?.dataset.update ?? 0), sel);
  await page.click(`[data-action="${action}"]`);
  await page.waitForFunction(
    ([s, n]) => {
      const el = document.querySelector(s);
      return el && !el.classList.contains('progress') && Number(el.dataset.update) > n
        && !document.querySelector('[data-status].progress');
    },
    [sel, before], { timeout },
  );
  return (await page.textContent(sel)).replace(/\s+/g, ' ');
}

/** The simulator's digests of a deployment's keystore values (test hook). */
export async function simulatorKeystore(base, apiKey, deploymentId) {
  const r = await fetch(`${base}/__simulator/keystore/${deploymentId}/main-elasticsearch`,
    { headers: { Authorization: `ApiKey ${apiKey}` } });
  return (await r.json()).secrets;
}

/** Every file of the browser profile holding one of `needles` ({ label:
 * value }) in UTF-8 or UTF-16, as "file: label"; and the extension and local
 * storage folders found, to show there was something to scan. */
export function scanProfileForSecrets(profile, needles) {
  const hits = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        const bytes = fs.readFileSync(p);
        for (const [what, n] of Object.entries(needles)) {
          if (bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le'))) {
            hits.push(`${path.relative(profile, p)}: ${what}`);
          }
        }
      }
    }
  };
  walk(profile);
  const storageDirs = fs.readdirSync(path.join(profile, 'Default'))
    .filter((d) => /Extension Settings|Local Storage/.test(d));
  return { hits, storageDirs };
}
