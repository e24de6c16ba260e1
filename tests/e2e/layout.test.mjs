// Layout and keyboard checks a user notices at once: no page-level
// horizontal scroll in any area at 360 px (the extension's side panel) or
// 1280 px; the Copy confirmation visible at the button without moving the
// page; focus kept after a control removes itself (Apply fix, Delete); the
// active area's link in view in the narrow nav; distinct accessible names for
// the repeated buttons; placeholder contrast; keystore row alignment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, AREAS, collectErrors, expectShell, screenshot, browser, server, usePageServer, waitForArea,
} from './harness.mjs';

const SEEDS = path.join(ROOT, '..', 'shared', 'reference', 'seeds');
const SEED_FILES = fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();

// A curl command with a long, unbreakable API path and a literal credential
// (whose finding has a machine fix).
const BROKEN_CURL = `curl -X PUT "https://ece.example.com:12443/api/v1/deployments/0123456789abcdef0123456789abcdef/elasticsearch/main-elasticsearch/keystore" \\
  -H "Authorization: ApiKey c2VjcmV0LWtleS1kby1ub3QtcGFzdGU=" \\
  -H 'Content-Type: application/json' \\
  -d '{"secrets": {"s3.client.default.access_key": {"value": "AKIA", "as_file": false}}}'`;

usePageServer();

async function open(width, { scheme = 'light', area = 'guided', permissions = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme, permissions });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + `#/${area}`);
  await expectShell(page, assert);
  return { context, page, errors };
}

const STORAGES = { s3: 'AWS S3', 's3-compatible': 'S3-compatible (MinIO…)', gcs: 'Google Cloud Storage', azure: 'Azure Blob Storage' };

async function pickStorage(page, storage) {
  await page.getByRole('radio', { name: STORAGES[storage], exact: true }).check();
}

async function goArea(page, area) {
  await page.goto(server.url + `#/${area}`);
  await waitForArea(page, area);
}

/** Fails when the page scrolls sideways, naming the widest culprits. */
async function assertNoOverflow(page, what) {
  const result = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .filter((e) => !e.closest('pre, .editor-body, .visually-hidden, .copy-status'))
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
    return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide };
  });
  assert.ok(result.scroll <= result.inner,
    `${what}: page ${result.scroll} px wide in a ${result.inner} px window (${result.wide.join('; ')})`);
}

for (const width of [360, 1280]) {
  test(`no horizontal page scroll in any area at ${width} px`, async () => {
    const { context, page, errors } = await open(width);
    await page.fill('#field-bucket', 'acme-es-snapshots');
    for (const area of AREAS) {
      await goArea(page, area);
      await assertNoOverflow(page, area);
    }
    for (const storage of Object.keys(STORAGES)) {
      for (const area of ['repository', 'policy', 'guided', 'keystore']) {
        await goArea(page, area);
        await pickStorage(page, storage);
        await assertNoOverflow(page, `${area} with ${storage}`);
      }
    }
    // The GCS / Azure permissions are prose: wrapped in their box, not cut off.
    for (const storage of ['gcs', 'azure']) {
      await goArea(page, 'policy');
      await pickStorage(page, storage);
      const pre = await page.$eval('pre[data-output="Permissions"]', (e) => [e.scrollWidth, e.clientWidth]);
      assert.ok(pre[0] <= pre[1], `${storage} permissions: ${pre[0]} px of text in a ${pre[1]} px box`);
    }
    await goArea(page, 'keystore');
    await pickStorage(page, 's3');
    await page.click('button:has-text("Add the s3 client settings")');
    await assertNoOverflow(page, 'keystore with rows');

    await goArea(page, 'validate');
    for (const [name, text] of [...SEED_FILES.map((f) => [f, fs.readFileSync(path.join(SEEDS, f), 'utf8')]), ['broken curl', BROKEN_CURL]]) {
      const before = await page.$eval('[data-findings-summary]', (e) => e.dataset.generation);
      await page.fill('textarea.code-input', text);
      await page.waitForFunction((g) => document.querySelector('[data-findings-summary]').dataset.generation !== g, before);
      assert.ok(await page.locator('li.finding').count() > 0, `${name} has findings`);
      await assertNoOverflow(page, `validate with ${name}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('Copy: "Copied" at the button, announced, nothing moves; a refusal is shown', async () => {
  const { context, page, errors } = await open(1280, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.fill('#field-bucket', 'acme-es-snapshots');
  const copy = page.locator('li[data-step="policy"] button.copy');
  await copy.scrollIntoViewIfNeeded();
  // Everything is read in one evaluate: "Copied" lasts 2 s, which a stalled
  // machine could outlast between separate reads.
  const state = () => page.evaluate(() => {
    const step = document.querySelector('li[data-step="policy"]');
    const button = step.querySelector('button.copy');
    const box = button.getBoundingClientRect();
    const next = document.querySelector('li[data-step="keystore"]').getBoundingClientRect();
    return {
      label: button.innerText,
      announced: step.querySelector('.copy-status[role="status"]').textContent,
      layout: { x: box.x, y: box.y, w: box.width, h: box.height, next: next.top },
    };
  });
  const before = await state();
  assert.equal(before.label, 'Copy');
  await copy.click();
  await page.waitForSelector('li[data-step="policy"] button.copy[data-copied="true"]');
  const copied = await state();
  assert.equal(copied.label, 'Copied', 'the button says it copied');
  assert.equal(copied.announced, 'Copied to the clipboard.');
  assert.deepEqual(copied.layout, before.layout, 'the button keeps its size and nothing below moves');
  const inView = await copy.evaluate((b) => { const r = b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
  assert.ok(inView, 'the confirmation is where the user clicked');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()),
    await page.textContent('li[data-step="policy"] pre[data-output="JSON"]'));
  await page.waitForSelector('li[data-step="policy"] button.copy[data-copied="false"]', { timeout: 5000 });
  const after = await state();
  assert.equal(after.label, 'Copy');
  assert.deepEqual(after.layout, before.layout);
  assert.deepEqual(errors, []);
  await context.close();

  // The clipboard refused (and no selection fallback): a visible message, over
  // the text, still without moving anything.
  const denied = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page2 = await denied.newPage();
  await page2.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) }, configurable: true,
    });
    document.execCommand = () => false;
  });
  await page2.goto(server.url + '#/guided');
  await expectShell(page2, assert);
  await page2.fill('#field-bucket', 'acme-es-snapshots');
  const before2 = await page2.evaluate(() => document.querySelector('li[data-step="keystore"]').getBoundingClientRect().top + scrollY);
  await page2.click('li[data-step="policy"] button.copy');
  const status = page2.locator('li[data-step="policy"] .copy-status');
  await page2.waitForFunction(() => document.querySelector('li[data-step="policy"] .copy-status').textContent.length > 0);
  assert.match(await status.textContent(), /Copy failed/);
  const box = await status.boundingBox();
  assert.ok(box.width > 100 && box.height > 10, 'the failure message is visible');
  assert.equal(await page2.getAttribute('li[data-step="policy"] button.copy', 'data-copied'), 'false');
  assert.equal(await page2.evaluate(() => document.querySelector('li[data-step="keystore"]').getBoundingClientRect().top + scrollY), before2);
  await denied.close();
});

test('focus stays in the work after Apply fix and after Delete', async () => {
  const { context, page, errors } = await open(1280, { area: 'validate' });
  await page.fill('textarea.code-input', BROKEN_CURL);
  const fix = page.locator('li.finding[data-code="CURL_LITERAL_CREDENTIAL"] button.fix');
  await fix.waitFor();
  await fix.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('li.finding[data-code="CURL_LITERAL_CREDENTIAL"]'));
  const after = await page.evaluate(() => {
    const e = document.activeElement;
    return { tag: e.tagName, cls: e.className, at: e.selectionStart, text: e.value };
  });
  assert.equal(after.tag, 'TEXTAREA', `focus on ${after.tag}.${after.cls}`);
  assert.match(after.cls, /code-input/);
  const line = after.text.split('\n')[1];
  assert.ok(after.at > after.text.indexOf(line) && after.at <= after.text.indexOf(line) + line.length,
    'the cursor is on the fixed line');

  await goArea(page, 'keystore');
  await pickStorage(page, 's3');
  await page.click('button:has-text("Add the s3 client settings")');
  const ids = await page.$$eval('[data-row]', (rows) => rows.map((r) => r.dataset.row));
  assert.ok(ids.length >= 2);
  await page.focus(`[data-row="${ids[0]}"] button.danger`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => !document.querySelector(`[data-row="${id}"]`), ids[0]);
  await page.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await page.evaluate(() => document.activeElement.id), `ks-name-${ids[1]}`, 'the next row takes focus');
  for (const id of ids.slice(1)) {
    await page.focus(`[data-row="${id}"] button.danger`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((i) => !document.querySelector(`[data-row="${i}"]`), id);
  }
  await page.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Add a setting', 'after the last row, Add');

  // The Repository area's added settings: the same.
  await goArea(page, 'repository');
  await page.click('button:has-text("Add a setting")');
  await page.click('button:has-text("Add a setting")');
  const names = page.locator('[data-setting-row] input[aria-label="Setting name"]');
  await names.nth(0).fill('first_extra');
  await names.nth(1).fill('second_extra');
  await page.focus('button[aria-label="Delete the setting first_extra"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-setting-row]').length === 1);
  await page.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await page.evaluate(() => document.activeElement.value), 'second_extra', 'the next row takes focus');
  await page.focus('button[aria-label="Delete the setting second_extra"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'repo-add-setting', 'after the last row, Add');
  assert.deepEqual(errors, []);
  await context.close();
});

test('at 360 px the active area\'s link is in view in the nav', async () => {
  const { context, page, errors } = await open(360);
  for (const area of [...AREAS, ...[...AREAS].reverse()]) {
    await goArea(page, area);
    await page.waitForFunction((a) => {
      const link = document.querySelector(`nav a[data-area="${a}"]`).getBoundingClientRect();
      const nav = document.querySelector('nav.nav').getBoundingClientRect();
      return link.left >= Math.max(0, nav.left) - 0.5 && link.right <= Math.min(innerWidth, nav.right) + 0.5;
    }, area, { timeout: 2000 }).catch(async () => {
      const where = await page.$eval(`nav a[data-area="${area}"]`, (l) => JSON.stringify(l.getBoundingClientRect()));
      assert.fail(`${area}: active link out of view at ${where}`);
    });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

/** The accessible names of the buttons whose name starts with `prefix`. */
async function buttonNames(page, prefix) {
  const names = [];
  for (const button of await page.getByRole('button', { name: new RegExp(`^${prefix}`) }).all()) {
    if (await button.isVisible()) names.push(await button.evaluate((b) => b.getAttribute('aria-label') || b.textContent.trim()));
  }
  return names;
}

test('repeated buttons have distinct accessible names', async () => {
  const { context, page, errors } = await open(1280);
  await page.fill('#field-bucket', 'acme-es-snapshots');
  await page.fill('#field-repository', 's3-repo');
  await page.fill('#field-coordinator', 'https://ece.example.com:12443');
  await page.fill('#field-deploymentid', '0123456789abcdef0123456789abcdef');
  await page.fill('#field-refid', 'main-elasticsearch');
  await page.fill('#secret-1', 'AKIAZ7Q3M5N2P4R6T8V1');
  await page.fill('#secret-2', 'secret');
  for (const area of ['guided', 'keystore']) {
    await goArea(page, area);
    for (const prefix of ['Reveal', 'Copy', 'Download']) {
      const names = await buttonNames(page, prefix);
      const least = area === 'guided' || prefix === 'Reveal' ? 2 : 1;
      assert.ok(names.length >= least, `${area}: ${least}+ ${prefix} buttons (${names})`);
      assert.equal(new Set(names).size, names.length, `${area}: ${prefix} names are distinct: ${names.join(' | ')}`);
    }
  }
  assert.deepEqual(await buttonNames(page, 'Reveal'),
    ['Reveal the value of s3.client.default.access_key', 'Reveal the value of s3.client.default.secret_key']);
  // The Repository area's added settings: each Delete names its setting.
  await goArea(page, 'repository');
  await page.click('button:has-text("Add a setting")');
  await page.click('button:has-text("Add a setting")');
  await page.fill('[data-setting-row="0"] input[aria-label="Setting name"]', 'my_setting');
  assert.deepEqual(await buttonNames(page, 'Delete the setting'),
    ['Delete the setting my_setting', 'Delete the setting in row 2']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('placeholders have 4.5:1 contrast in both themes', async () => {
  for (const scheme of ['light', 'dark']) {
    const { context, page } = await open(1280, { scheme });
    for (const area of ['guided', 'validate', 'repository']) {
      await goArea(page, area);
      const ratios = await page.evaluate(() => {
        const rgb = (c) => c.match(/[\d.]+/g).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255)
          .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
          .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const background = (e) => {
          for (; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c;
          }
          return [255, 255, 255];
        };
        return [...document.querySelectorAll('input[placeholder], textarea[placeholder]')]
          .filter((e) => e.placeholder)
          .map((e) => {
            const fg = rgb(getComputedStyle(e, '::placeholder').color);
            const [a, b] = [lum(fg), lum(background(e))].sort((x, y) => y - x);
            return [e.id || e.className, Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100];
          });
      });
      assert.ok(ratios.length > 0);
      for (const [what, ratio] of ratios) assert.ok(ratio >= 4.5, `${scheme} ${area} ${what}: ${ratio}:1`);
    }
    await context.close();
  }
});

test('long setting names wrap after a dot or an underscore, not inside a word', async () => {
  const { context, page, errors } = await open(360);
  await goArea(page, 'repository');
  const label = page.locator('label[for="repo-setting-throttled_delete_retry-maximum_number_of_retries"]');
  assert.ok(await label.locator('wbr').count() >= 5, 'a break opportunity after each . and _');
  assert.match(await label.textContent(), /^throttled_delete_retry\.maximum_number_of_retries/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('keystore rows: the controls line up at the top of the row (S3 and GCS)', async () => {
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 360]) {
      const { context, page, errors } = await open(width, { scheme, area: 'keystore' });
      for (const storage of ['s3', 'gcs']) {
        await pickStorage(page, storage);
        await page.click(`button:has-text("Add the ${storage} client settings")`);
        if (width === 1280) {
          const tops = await page.$$eval('[data-row]', (rows) => rows.map((r) => [
            r.querySelector('input[list]').getBoundingClientRect().top,
            r.querySelector('.secret-control > input, .secret-control > textarea').getBoundingClientRect().top,
            r.querySelector('.row-actions button').getBoundingClientRect().top,
          ]));
          for (const [name, value, action] of tops) {
            assert.ok(Math.abs(name - value) <= 1, `${storage}: name input at ${name}, value at ${value}`);
            assert.ok(action >= name && action < name + 20, `${storage}: actions at ${action}, inputs at ${name}`);
          }
        }
        await screenshot(page, `layout-keystore-${storage}-${scheme}-${width}`);
      }
      await goArea(page, 'repository');
      await pickStorage(page, 's3');
      await screenshot(page, `layout-repository-${scheme}-${width}`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});
