// The forms as a user fills them in: every repository type of the catalog
// (fs, url and source bodies equal what `ecekit repository` prints for the
// same inputs), extra settings checked while they are typed, invalid inputs
// flagged on the field itself (aria-invalid, an inline message), the guided
// steps' advice with an invalid client, the empty Validate box, a long list
// of findings, and the
// catalog's `backticked` text shown as code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT, AREAS, collectErrors, expectShell, browser, server, usePageServer, waitForArea, rawBacktickTexts,
} from './harness.mjs';

const CLI = path.join(ROOT, 'target', 'release', 'ecekit');

function cli(args) {
  return execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const JSON_TAB = 'pre[data-output="JSON"]';

usePageServer();

async function open(area) {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + `#/${area}`);
  await expectShell(page, assert);
  return { page, errors };
}

/** The JSON tab once it holds `text` (the form is live: no blur, no wait). */
async function jsonIs(page, text) {
  await page.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent === t, [JSON_TAB, text])
    .catch(() => {});
  return page.textContent(JSON_TAB);
}

test('repository: fs, url and source are offered, get their own form and the CLI body', async () => {
  const { page, errors } = await open('repository');
  await page.check('label.choice:has-text("Self-managed") input');
  const types = await page.$$eval('#repo-type option', (o) => o.map((e) => e.value));
  assert.deepEqual(types, ['s3', 'gcs', 'azure', 'fs', 'url', 'source']);
  assert.equal(await page.inputValue('#repo-type'), 's3', 'the type follows the storage');

  const cases = [
    { type: 'fs', name: 'nfs', fields: [['location', '/mnt/backups'], ['chunk_size', '1gb']] },
    { type: 'url', name: 'readonly', fields: [['url', 'https://snapshots.example.com/repo/'], ['http_max_retries', '3']] },
    { type: 'source', name: 'src-only', fields: [['delegate_type', 'fs'], ['location', '/mnt/source']] },
  ];
  for (const c of cases) {
    await page.selectOption('#repo-type', c.type);
    // No bucket and no client: the type has neither.
    assert.equal(await page.$$eval('#field-bucket, #field-client', (l) => l.length), 0, c.type);
    await page.fill('#field-repository', c.name);
    for (const [key, value] of c.fields) await page.fill(`#repo-setting-${key}`, value);
    const expected = cli(['repository', '--type', c.type, '--name', c.name,
      ...c.fields.flatMap(([k, v]) => ['--setting', `${k}=${v}`]), '--platform', 'self-managed']);
    assert.equal(await jsonIs(page, expected), expected, c.type);
    // The commands are the engine's for that body.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecekit-e2e-'));
    fs.writeFileSync(path.join(dir, 'body.json'), expected);
    await page.click('[role=tab]:text-is("curl (bash)")');
    assert.equal(await page.textContent('pre[data-output="curl (bash)"]'),
      cli(['curl', 'repository-put', '--target', 'es', '--cacert', '--repository', c.name, '--body', path.join(dir, 'body.json')]));
    fs.rmSync(dir, { recursive: true });
    await page.click('[role=tab]:text-is("JSON")');
    assert.equal(await page.$$eval('li.finding.error', (l) => l.length), 0, `${c.type}: no error`);
    // Clear the settings for the next type.
    for (const [key] of c.fields.reverse()) await page.fill(`#repo-setting-${key}`, '');
  }

  // The choice is saved with the draft (and comes back after a reload).
  await page.selectOption('#repo-type', 'url');
  await page.reload();
  await expectShell(page, assert);
  assert.equal(await page.inputValue('#repo-type'), 'url');
  assert.ok(await page.$('#repo-setting-url'));
  // Choosing a storage makes the type follow it again.
  await page.check('label.choice:has-text("Google Cloud Storage") input');
  assert.equal(await page.inputValue('#repo-type'), 'gcs');
  assert.ok(await page.$('#field-bucket'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('repository: an added setting reaches the JSON and gets its warning while it is typed', async () => {
  const { page, errors } = await open('repository');
  await page.fill('#field-bucket', 'acme-es-snapshots');
  await page.click('button:has-text("Add a setting")');
  const name = page.locator('[data-setting-row] input[aria-label="Setting name"]').last();
  await name.click();
  await page.keyboard.type('made_up_setting');
  const value = page.locator('[data-setting-row] input[aria-label="Setting value"]').last();
  await value.click();
  await page.keyboard.type('42');
  // Still in the value field: nothing was committed by a blur.
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Setting value');
  await page.waitForFunction(() => document.querySelector('pre[data-output="JSON"]').textContent.includes('"made_up_setting": "42"'));
  await page.waitForSelector('li.finding[data-code="REPO_UNKNOWN_SETTING"]');

  // A key the form has a field for: the row stays where it is typed.
  await name.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('chunk_size');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Setting name');
  await page.waitForFunction(() => document.querySelector('pre[data-output="JSON"]').textContent.includes('"chunk_size": "42"'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('invalid inputs are flagged on the field; the reload step names the invalid client', async () => {
  const { page, errors } = await open('guided');
  await page.fill('#field-bucket', 'acme-es-snapshots');
  assert.equal(await page.getAttribute('#field-client', 'aria-invalid'), 'false');
  assert.equal(await page.$('#field-client-error'), null);

  await page.fill('#field-client', 'de fault');
  assert.equal(await page.getAttribute('#field-client', 'aria-invalid'), 'true');
  const described = (await page.getAttribute('#field-client', 'aria-describedby')).split(' ');
  assert.ok(described.includes('field-client-error'));
  assert.match(await page.textContent('#field-client-error'), /client name/i);
  // Step 3: the client is the problem, not a restart.
  const reload = await page.textContent('li[data-step="reload"]');
  assert.doesNotMatch(reload, /Restart/);
  assert.match(await page.textContent('li[data-step="reload"] h2'), /Reload the secure settings/);
  assert.match(await page.textContent('li[data-step="reload"] [data-invalid]'), /client name is not valid/);

  await page.fill('#field-client', 'default');
  assert.equal(await page.getAttribute('#field-client', 'aria-invalid'), 'false');
  assert.doesNotMatch(await page.textContent('li[data-step="reload"]'), /not valid/);

  // An invalid bucket: on the field, and step 1's message styled as an error.
  await page.fill('#field-bucket', 'Bad_Bucket');
  assert.equal(await page.getAttribute('#field-bucket', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#field-bucket-error'), /uppercase/);
  assert.ok(await page.$('li[data-step="policy"] p.field-error[data-invalid]'));

  // Guided has no Remove: step 2 points to the Keystore area.
  const keystore = await page.textContent('li[data-step="keystore"]');
  assert.doesNotMatch(keystore, /or tick Remove\b[^.]*\)/);
  assert.match(keystore, /Keystore area/);

  // Repository name, and a keystore row's setting name.
  await page.goto(server.url + '#/repository');
  await page.fill('#field-repository', 'my snapshots');
  assert.equal(await page.getAttribute('#field-repository', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#field-repository-error'), /space/);
  await page.goto(server.url + '#/keystore');
  await page.click('button:has-text("Add a setting")');
  const row = page.locator('.secret-row input[list="secure-setting-names"]').last();
  await row.fill('s3.client.my client.access_key');
  assert.equal(await row.getAttribute('aria-invalid'), 'true');
  const errorId = await row.getAttribute('aria-describedby');
  assert.match(await page.textContent(`#${errorId}`), /not a valid keystore setting name/);
  await row.fill('s3.client.default.access_key');
  assert.equal(await row.getAttribute('aria-invalid'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});

test('validate: an empty or blank box asks for a document and nothing else', async () => {
  const { page, errors } = await open('validate');
  assert.equal(await page.textContent('[data-findings-summary]'), 'Paste a document to check it.');
  assert.doesNotMatch(await page.textContent('main'), /No problems found/);
  await page.fill('textarea.code-input', '{"secrets": {}}');
  await page.waitForFunction(() => document.querySelector('[data-findings-summary]').dataset.generation !== '0');
  await page.fill('textarea.code-input', '   \n  ');
  await page.waitForFunction(() => document.querySelector('[data-findings-summary]').textContent === 'Paste a document to check it.');
  assert.doesNotMatch(await page.textContent('main'), /No problems found/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('validate: 250 findings list and mark the first 200, all counted; Show all shows the rest', async () => {
  const { page, errors } = await open('validate');
  const secrets = Array.from({ length: 250 }, (_, i) => `"s3.client.c${i}.secret_key": {"value": "v${i}"}`);
  await page.fill('textarea.code-input', `{"secrets": {\n${secrets.join(',\n')}\n}}`);
  await page.waitForFunction(() => document.querySelector('[data-findings-summary]').dataset.generation !== '0');
  assert.match(await page.textContent('[data-findings-summary]'), /250 warnings/);
  assert.equal(await page.locator('li.finding').count(), 200);
  // The editor marks the listed findings: one gutter mark per line.
  assert.equal(await page.locator('.gutter-mark').count(), 200);
  assert.match(await page.textContent('.findings-more'), /The first 200 of 250 findings are listed/);
  await page.click('.findings-more button:text-is("Show all 250")');
  assert.equal(await page.locator('li.finding').count(), 250);
  assert.equal(await page.locator('.gutter-mark').count(), 250);
  assert.equal(await page.locator('.findings-more').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('backticked spans of the catalog and the steps are shown as code', async () => {
  const { page, errors } = await open('repository');
  assert.equal(await page.textContent('label[for="repo-setting-chunk_size"] code'), '5mb');
  await page.goto(server.url + '#/guided');
  await page.waitForSelector('li[data-step="reload"] .why code');
  assert.equal(await page.textContent('li[data-step="reload"] .why code'), 'POST _nodes/reload_secure_settings');
  await page.fill('#field-bucket', 'acme-es-snapshots');
  await page.fill('#secret-1', 'AKIAZ7Q3M5N2P4R6T8V1');
  await page.fill('#secret-2', 'q9Tx3vR8pK2sW5yZ1aB4cD7eF0gH6jN8uLm4Qw2E');
  await page.waitForSelector('li[data-step="reload"] p.note code');
  // No backticked span left as written in any area: labels, help, notes,
  // step texts, statuses (Connection's platform repository note has one).
  for (const area of AREAS) {
    await page.goto(server.url + `#/${area}`);
    await waitForArea(page, area);
    await page.waitForSelector('main .field-help');
    assert.deepEqual(await rawBacktickTexts(page), [], area);
  }
  assert.ok(await page.$('[data-platform-missing] code'), 'the Connection area shows its code spans too');
  // Every output tab of every step, each with its note.
  await page.goto(server.url + '#/guided');
  await waitForArea(page, 'guided');
  const tabs = page.locator('li[data-step] [role=tab]');
  const count = await tabs.count();
  assert.ok(count >= 15, `${count} tabs`);
  for (let i = 0; i < count; i++) {
    await tabs.nth(i).click();
    assert.deepEqual(await rawBacktickTexts(page), [], await tabs.nth(i).textContent());
  }
  // The text is never parsed as HTML.
  assert.equal(await page.$$eval('main .field-help b, main .note b', (l) => l.length), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('guided: the client settings rows follow the client name as it is typed, with their values', async () => {
  const { page, errors } = await open('guided');
  await page.check('label.choice:has-text("AWS S3") input');
  await page.waitForSelector('.secret-input input');
  const values = page.locator('.secret-input input[type="password"], .secret-input input[type="text"]');
  await values.nth(0).fill('AKIAZ7Q3M5N2P4R6T8V1');
  await page.fill('#field-client', '');
  await page.type('#field-client', 'backup');
  await page.goto(server.url + '#/keystore');
  // A hash change: the Keystore area renders after the navigation returns.
  await page.waitForSelector('input[id^="ks-name-"]');
  const names = await page.$$eval('input[id^="ks-name-"]', (inputs) => inputs.map((i) => i.value));
  assert.deepEqual(names, ['s3.client.backup.access_key', 's3.client.backup.secret_key'],
    'one row per setting, renamed as the client was typed (not one per keystroke)');
  assert.equal(await page.inputValue('.secret-input input >> nth=0'), 'AKIAZ7Q3M5N2P4R6T8V1');
  assert.deepEqual(errors, []);
  await page.close();
});
