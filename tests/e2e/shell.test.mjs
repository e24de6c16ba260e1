// The app shell renders, navigates and logs no errors in all three forms:
// the served static page, the single file opened from file://, and the
// extension; and in each, Validate's worker starts and answers. The
// Connection area's own module loads when the area opens and shares the
// draft with the rest of the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import {
  DIST, AREAS, launchWithExtension, collectErrors, expectShell, screenshot, browser, server, usePageServer, waitForArea,
} from './harness.mjs';

usePageServer();

test('static page: renders the navigation and every area, no console errors', async () => {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 1200, height: 800 } });
    const errors = collectErrors(page);
    await page.goto(server.url);
    await expectShell(page, assert);
    for (const area of AREAS) {
      await page.click(`nav.nav a[data-area="${area}"]`);
      await waitForArea(page, area);
      assert.equal(new URL(page.url()).hash, `#/${area}`);
      await screenshot(page, `shell-${area}-${scheme}`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('static page: keyboard reaches the navigation with a visible focus ring', async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await expectShell(page, assert);
  // Skip link, brand and the header buttons come first; then the areas.
  let focused = {};
  for (let i = 0; i < 8 && focused.area !== 'guided'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => ({
      area: document.activeElement.dataset.area,
      outline: getComputedStyle(document.activeElement).outlineStyle,
    }));
  }
  assert.equal(focused.area, 'guided');
  assert.notEqual(focused.outline, 'none');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('nav.nav a[data-area="keystore"][aria-current="page"]');
  await page.close();
});

test('narrow side panel (360 px): navigation becomes a tab strip and nothing overflows', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 700 } });
  const errors = collectErrors(page);
  await page.goto(server.url + '#/validate');
  await expectShell(page, assert);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the panel`);
  assert.equal(await page.textContent('main h1'), 'Validate');
  await screenshot(page, 'shell-narrow-validate');
  assert.deepEqual(errors, []);
  await page.close();
});

test('single file: dist/ecekit.html works from file:// with no server', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(path.join(DIST, 'ecekit.html')).href + '#/policy');
  await expectShell(page, assert);
  assert.equal(await page.textContent('main h1'), 'Access policy');
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('extension: the side panel page loads the app under the MV3 CSP', async () => {
  const { context, id } = await launchWithExtension(path.join(DIST, 'extension'));
  try {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`chrome-extension://${id}/sidepanel.html`);
    await page.setViewportSize({ width: 360, height: 700 });
    await expectShell(page, assert);
    await screenshot(page, 'extension-sidepanel');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// A keystore body with a misspelt setting and a trailing comma, both on line 2.
const BROKEN_KEYSTORE = '{\n  "secrets": {"s3.client.default.acess_key": "x",\n  }\n}\n';

/** Pastes BROKEN_KEYSTORE into Validate and returns the findings shown. */
async function validateInWorker(page) {
  await page.fill('textarea.code-input', BROKEN_KEYSTORE);
  await page.waitForFunction(() => document.querySelector('[data-findings-summary]').dataset.generation !== '0');
  const shown = await page.$$eval('li.finding', (l) => l.map((e) => `${e.dataset.line} ${e.dataset.code}`));
  for (const expected of ['2 KS_UNKNOWN_SETTING', '2 JSON_TRAILING_COMMA']) {
    assert.ok(shown.includes(expected), `${expected} in ${shown}`);
  }
  return shown;
}

test('static page: the first load transfers the size report\'s bytes, each file as its shipped .gz', async () => {
  const report = JSON.parse(fs.readFileSync(path.join(DIST, 'size-report.json'), 'utf8'));
  const page = await browser.newPage();
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(server.url);
  await expectShell(page, assert);
  await page.waitForLoadState('networkidle');
  // What the budget counts: the HTML, JS, wasm and CSS (not the favicon).
  const counted = responses.filter((r) => /(\/|\.html|\.js|\.wasm|\.css)$/.test(new URL(r.url()).pathname));
  const kinds = counted.map((r) => path.extname(new URL(r.url()).pathname) || '.html').sort();
  assert.deepEqual(kinds, ['.css', '.html', '.js', '.wasm']);
  let transferred = 0;
  for (const response of counted) {
    assert.equal(response.headers()['content-encoding'], 'gzip', response.url());
    transferred += (await response.request().sizes()).responseBodySize;
  }
  assert.equal(transferred, report.total.gzip);
  await page.close();
});

test('make run\'s server sends a file\'s .gz to a browser that accepts gzip, the file to one that does not', async () => {
  // The page tests' server is make run's (scripts/serve.py).
  const web = path.join(DIST, 'web');
  const base = server.url;
  const get = (url, encoding) => new Promise((resolve, reject) => {
    http.get(url, { headers: { 'Accept-Encoding': encoding } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  const wasm = fs.readdirSync(web).find((f) => /^ecekit_bg-[0-9a-f]+\.wasm$/.test(f));
  for (const [url, file] of [[base, 'index.html'], [base + wasm, wasm]]) {
    const packed = await get(url, 'gzip, deflate, br');
    assert.equal(packed.headers['content-encoding'], 'gzip');
    assert.deepEqual(packed.body, fs.readFileSync(path.join(web, `${file}.gz`)));
    assert.deepEqual(zlib.gunzipSync(packed.body), fs.readFileSync(path.join(web, file)));
    const plain = await get(url, 'identity');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(plain.body, fs.readFileSync(path.join(web, file)));
  }
  assert.equal((await get(base + wasm, 'gzip;q=0')).headers['content-encoding'], undefined);
});

test('static page: the validator worker is fetched only when Validate opens', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url + '#/policy');
  await expectShell(page, assert);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(requests.filter((u) => u.includes('validator')), [], 'first load fetches no validator');
  await page.click('nav.nav a[data-area="validate"]');
  const shown = await validateInWorker(page);
  const fetched = requests.filter((u) => u.includes('validator')).map((u) => path.basename(new URL(u).pathname));
  assert.ok(fetched.some((f) => /^validator-[0-9a-f]+\.js$/.test(f)), `worker script: ${fetched}`);
  assert.ok(fetched.some((f) => /^validator_bg-[0-9a-f]+\.wasm$/.test(f)), `worker wasm: ${fetched}`);
  // A newer text replaces the findings of the older one.
  await page.fill('textarea.code-input', '{"secrets": {}}');
  await page.waitForFunction(() => [...document.querySelectorAll('li.finding')].map((e) => e.dataset.code).join() === 'KS_EMPTY');
  assert.match(await page.textContent('[data-findings-summary]'), /keystore body/);
  assert.ok(!shown.includes('1 KS_EMPTY'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('static page: the Connection module is fetched only when Connection opens, and shares the draft', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url + '#/repository');
  await expectShell(page, assert);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(requests.filter((u) => u.includes('connection')), [], 'first load fetches no Connection module');
  await page.fill('#field-bucket', 'typed-in-repository');

  await page.click('nav.nav a[data-area="connection"]');
  await page.waitForSelector('[data-section="profile"]');
  const fetched = requests.filter((u) => u.includes('connection')).map((u) => path.basename(new URL(u).pathname));
  assert.ok(fetched.some((f) => /^connection-[0-9a-f]+\.js$/.test(f)), `module script: ${fetched}`);
  assert.ok(fetched.some((f) => /^connection_bg-[0-9a-f]+\.wasm$/.test(f)), `module wasm: ${fetched}`);
  assert.equal(await page.inputValue('#conn-bucket'), 'typed-in-repository', 'the module starts from the draft');

  // Typed here, it is the draft everywhere, and saved with it.
  await page.fill('#conn-bucket', 'typed-in-connection');
  await page.fill('#conn-repository', 'conn-repo');
  await page.click('nav.nav a[data-area="repository"]');
  assert.equal(await page.inputValue('#field-bucket'), 'typed-in-connection');
  assert.equal(await page.inputValue('#field-repository'), 'conn-repo');
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('ecekit.draft.v1')));
  assert.equal(stored.bucket, 'typed-in-connection');

  // Changed elsewhere, the hidden module follows; it is not loaded twice.
  await page.fill('#field-bucket', 'typed-again');
  await page.click('nav.nav a[data-area="connection"]');
  assert.equal(await page.inputValue('#conn-bucket'), 'typed-again');
  assert.equal(await page.locator('[data-section="profile"]').count(), 1);
  assert.equal(requests.filter((u) => /connection_bg-/.test(u)).length, 1, 'the module loads once');

  // Reset, from the Connection area, clears the draft it shows.
  await page.click('button:has-text("Reset")');
  await page.waitForFunction(() => document.querySelector('#conn-bucket').value === '');
  assert.equal(await page.inputValue('#conn-repository'), 'my-snapshots');
  assert.deepEqual(errors, []);
  await page.close();
});

test('single file: the Connection module runs from file:// with no server', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(path.join(DIST, 'ecekit.html')).href + '#/connection');
  await expectShell(page, assert);
  await page.waitForSelector('[data-section="profile"]');
  await page.fill('#conn-bucket', 'from-file');
  await page.click('nav.nav a[data-area="policy"]');
  await page.click('nav.nav a[data-area="connection"]');
  assert.equal(await page.inputValue('#conn-bucket'), 'from-file');
  assert.deepEqual(requests.filter((u) => !/^(file|data|blob):/.test(u)), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('single file: the Validate worker runs from file:// with no server', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(path.join(DIST, 'ecekit.html')).href + '#/validate');
  await expectShell(page, assert);
  await validateInWorker(page);
  assert.deepEqual(requests.filter((u) => !/^(file|data|blob):/.test(u)), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('extension: the Validate worker runs under the MV3 CSP', async () => {
  const { context, id } = await launchWithExtension(path.join(DIST, 'extension'));
  try {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`chrome-extension://${id}/sidepanel.html#/validate`);
    await expectShell(page, assert);
    await validateInWorker(page);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
