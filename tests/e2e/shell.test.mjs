// The app shell renders, navigates and logs no errors in all three forms:
// the served static page, the single file opened from file://, and the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DIST, AREAS, launchWithExtension, collectErrors, expectShell, screenshot, browser, server, usePageServer,
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
      await page.waitForSelector(`nav.nav a[data-area="${area}"][aria-current="page"]`);
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
