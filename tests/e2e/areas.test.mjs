// The areas a user works in, driven like a user would: the guided setup for
// S3 on ECE and for GCS (every payload shown equals what the CLI prints for
// the same inputs), each seed pasted into Validate (the findings are the
// CLI's, at the same lines, with gutter marks), the draft surviving a reload
// without its secrets, a share link, and screenshots of every area in both
// themes (tests/artifacts/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT, DIST, AREAS, collectErrors, expectShell, screenshot, browser, server, usePageServer, waitForArea, rawBacktickTexts,
} from './harness.mjs';

const CLI = path.join(ROOT, 'target', 'release', 'ecekit');
const SEEDS = path.join(ROOT, '..', 'shared', 'reference', 'seeds');

// Test credentials: shaped like real ones, with every character a shell or
// JSON could mangle.
const ACCESS_KEY = 'AKIAZ7Q3M5N2P4R6T8V1';
const SECRET_KEY = `q9T'x"$Lm\`3\\vR8pK2sW5yZ1aB4cD7eF0gH6jN8u`;
const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  project_id: 'acme-snapshots',
  private_key_id: '0123456789abcdef0123456789abcdef01234567',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
  client_email: 'es-snapshots@acme-snapshots.iam.gserviceaccount.com',
  client_id: '123456789012345678901',
  token_uri: 'https://oauth2.googleapis.com/token',
}, null, 2) + '\n';

function cli(args, env = {}) {
  return execFileSync(CLI, args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The text of the JSON tab of a guided step (the first tab, selected by default). */
async function stepJson(page, step) {
  const selector = `li[data-step="${step}"] pre[data-output="JSON"]`;
  await page.waitForSelector(selector);
  return page.textContent(selector);
}

async function stepTab(page, step, label) {
  await page.click(`li[data-step="${step}"] [role=tab]:text-is("${label}")`);
  return page.textContent(`li[data-step="${step}"] pre[data-output="${label}"]`);
}

usePageServer();

test('guided setup, S3 on ECE: every payload is the CLI output for the same inputs', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + '#/guided');
  await expectShell(page, assert);
  await page.fill('#field-bucket', 'acme-es-snapshots');
  await page.fill('#field-repository', 's3-repo');
  await page.fill('#field-coordinator', 'https://ece.example.com:12443');
  await page.fill('#field-deploymentid', '0123456789abcdef0123456789abcdef');
  await page.fill('#field-refid', 'main-elasticsearch');
  await page.fill('#secret-1', ACCESS_KEY);
  await page.fill('#secret-2', SECRET_KEY);

  const steps = await page.$$eval('li[data-step]', (l) => l.map((e) => e.dataset.step));
  assert.deepEqual(steps, ['policy', 'keystore', 'reload', 'repository', 'verify']);

  assert.equal(await stepJson(page, 'policy'), cli(['policy', '--bucket', 'acme-es-snapshots']));
  const keystore = await stepJson(page, 'keystore');
  assert.equal(keystore, cli([
    'keystore',
    '--secret', 's3.client.default.access_key=env:T_ACCESS',
    '--secret', 's3.client.default.secret_key=env:T_SECRET',
  ], { T_ACCESS: ACCESS_KEY, T_SECRET: SECRET_KEY }));
  assert.equal(JSON.parse(keystore).secrets['s3.client.default.secret_key'].value, SECRET_KEY);
  const repository = await stepJson(page, 'repository');
  assert.equal(repository, cli(['repository', '--type', 's3', '--name', 's3-repo', '--bucket', 'acme-es-snapshots', '--client', 'default', '--platform', 'ece']));

  // The commands too: the keystore PATCH and the proxy calls, as `ecekit curl` writes them.
  const ece = ['--target', 'ece', '--coordinator', 'https://ece.example.com:12443',
    '--deployment-id', '0123456789abcdef0123456789abcdef', '--ref-id', 'main-elasticsearch', '--cacert'];
  const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ecekit-e2e-')), 'body.json');
  fs.writeFileSync(bodyFile, keystore);
  assert.equal(await stepTab(page, 'keystore', 'curl (bash)'), cli(['curl', 'keystore-set', ...ece, '--body', bodyFile]));
  fs.writeFileSync(bodyFile, repository);
  assert.equal(await stepTab(page, 'repository', 'curl (bash)'),
    cli(['curl', 'repository-put', ...ece, '--repository', 's3-repo', '--body', bodyFile]));
  fs.rmSync(path.dirname(bodyFile), { recursive: true });
  assert.equal(await stepTab(page, 'verify', 'curl (bash)'), cli(['curl', 'repository-verify', ...ece, '--repository', 's3-repo']));
  assert.equal(await stepTab(page, 'reload', 'curl (bash)'), cli(['curl', 'reload-secure-settings', ...ece]));
  // A tab's note shows its code spans as code.
  await stepTab(page, 'reload', 'Kibana Dev Tools');
  assert.equal(await page.textContent('li[data-step="reload"] .output-note code'), 'manage');
  assert.deepEqual(await rawBacktickTexts(page), []);

  // No finding on clean inputs; the why of each step is shown.
  assert.equal(await page.$$eval('li[data-step] li.finding', (l) => l.length), 0);
  assert.equal(await page.$$eval('li[data-step] p.why', (l) => l.filter((p) => p.textContent.length > 40).length), 5);
  await screenshot(page, 'guided-s3-ece');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a credentials file picked, then another dropped: the value is the dropped one and the picker names no file', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + '#/guided');
  await expectShell(page, assert);
  await page.check('label.choice:has-text("Google Cloud Storage") input');
  await page.waitForSelector('textarea.secret-file');
  const picked = SERVICE_ACCOUNT.replace('"type"', ' "type"');
  await page.setInputFiles('.secret-input input[type="file"]',
    { name: 'picked.json', mimeType: 'application/json', buffer: Buffer.from(picked) });
  await page.waitForFunction((v) => document.querySelector('textarea.secret-file').value === v, picked);
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    document.querySelector('textarea.secret-file')
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, SERVICE_ACCOUNT);
  await page.waitForFunction((v) => document.querySelector('textarea.secret-file').value === v, SERVICE_ACCOUNT);
  assert.equal(await page.inputValue('.secret-input input[type="file"]'), '');
  assert.deepEqual(errors, []);
  await page.close();
});

test('guided setup, GCS: the service-account JSON goes in as a file, as the CLI writes it', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + '#/guided');
  await expectShell(page, assert);
  await page.check('label.choice:has-text("Self-managed") input');
  await page.check('label.choice:has-text("Google Cloud Storage") input');
  await page.fill('#field-bucket', 'acme-gcs-snapshots');
  await page.fill('#field-repository', 'gcs-repo');
  await page.fill('#field-basepath', 'cluster-a');
  const secret = await page.waitForSelector('textarea.secret-file');
  await secret.fill(SERVICE_ACCOUNT);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecekit-e2e-'));
  fs.writeFileSync(path.join(dir, 'sa.json'), SERVICE_ACCOUNT);
  // Self-managed: the keystore tool's commands (no value on a command line).
  await page.waitForSelector('li[data-step="keystore"] pre[data-output="elasticsearch-keystore"]');
  const commands = await page.textContent('li[data-step="keystore"] pre[data-output="elasticsearch-keystore"]');
  assert.match(commands, /add-file --force gcs\.client\.default\.credentials_file/);
  assert.ok(!commands.includes('BEGIN PRIVATE KEY'));
  // On ECE the same inputs give the PATCH body the CLI writes from the key file.
  await page.check('label.choice:has-text("Elastic Cloud Enterprise") input');
  assert.equal(await stepJson(page, 'keystore'),
    cli(['keystore', '--secret', `gcs.client.default.credentials_file=file:${path.join(dir, 'sa.json')}`]));
  fs.rmSync(dir, { recursive: true });
  await page.check('label.choice:has-text("Self-managed") input');
  assert.equal(await stepJson(page, 'repository'),
    cli(['repository', '--type', 'gcs', '--name', 'gcs-repo', '--bucket', 'acme-gcs-snapshots', '--client', 'default', '--base-path', 'cluster-a', '--platform', 'self-managed']));
  assert.match(await page.textContent('li[data-step="policy"] pre[data-output="Permissions"]'), /storage\./);
  await screenshot(page, 'guided-gcs-self-managed');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const seed of fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort()) {
  test(`validate: seed ${seed} pasted gets the CLI's findings at the same lines`, async () => {
    const text = fs.readFileSync(path.join(SEEDS, seed), 'utf8');
    let expected;
    try {
      expected = JSON.parse(cli(['validate', '--format', 'json', path.join(SEEDS, seed)]));
    } catch (e) {
      expected = JSON.parse(e.stdout); // exit 1: errors found
    }
    assert.ok(expected.findings.length > 0, 'every seed is broken somewhere');
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(server.url + '#/validate');
    await expectShell(page, assert);
    await page.fill('textarea.code-input', text);
    await page.waitForFunction(() => document.querySelector('[data-findings-summary]').dataset.generation !== '0');
    const shown = await page.$$eval('li.finding', (l) => l.map((e) => `${e.dataset.line} ${e.dataset.code}`));
    assert.deepEqual(shown, expected.findings.map((f) => `${f.location.line} ${f.code}`));
    // Each finding reads as the CLI's, its `backticked` spans shown as code.
    const unticked = (s) => s.replace(/`([^`]+)`/g, '$1');
    assert.deepEqual(await page.$$eval('li.finding .what', (l) => l.map((e) => e.textContent)),
      expected.findings.map((f) => unticked(f.message)));
    assert.deepEqual(await rawBacktickTexts(page), []);
    assert.ok(await page.$('li.finding .what code, li.finding .how code'), 'some finding has a code span');
    const marks = new Set(await page.$$eval('.gutter-mark', (l) => l.map((e) => Number(e.dataset.line))));
    for (const f of expected.findings) assert.ok(marks.has(f.location.line), `gutter mark at line ${f.location.line}`);
    // The summary is announced; a click on a finding selects its span.
    assert.match(await page.textContent('[data-findings-summary]'), /error|warning|suggestion/);
    const first = expected.findings[0].location;
    await page.click('li.finding .finding-go >> nth=0');
    const selection = await page.$eval('textarea.code-input', (t) => [t.selectionStart, t.selectionEnd]);
    assert.equal(selection[0], [...Buffer.from(text).subarray(0, first.start).toString()].length);
    await screenshot(page, `validate-${seed.replace(/\.txt$/, '')}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the draft survives a reload without its secrets; Reset clears it; a share link restores it', async () => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + '#/keystore');
  await expectShell(page, assert);
  await page.click('button:has-text("Add the s3 client settings")');
  await page.fill('#secret-1', ACCESS_KEY);
  await page.goto(server.url + '#/repository');
  await page.fill('#field-bucket', 'kept-bucket');
  await page.fill('#field-repository', 'kept-repo');
  await page.selectOption('#repo-setting-storage_class', 'standard_ia').catch(() => {});
  await page.reload();
  await expectShell(page, assert);
  assert.equal(await page.inputValue('#field-bucket'), 'kept-bucket');
  await page.goto(server.url + '#/keystore');
  assert.equal(await page.inputValue('#ks-name-1'), 's3.client.default.access_key');
  assert.equal(await page.inputValue('#secret-1'), '', 'secret values are not restored');
  assert.match(await page.textContent('main'), /never saved/);
  const stored = await page.evaluate(() => JSON.stringify(localStorage));
  assert.ok(!stored.includes(ACCESS_KEY), 'no secret in local storage');

  await page.click('button:has-text("Share")');
  await page.waitForFunction(() => document.querySelector('.share-status').textContent.length > 0);
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#\/keystore\?draft=/);
  assert.ok(decodeURIComponent(link).includes('kept-bucket') && !decodeURIComponent(link).includes(ACCESS_KEY));

  // Reset clears everything, and can be undone (memory only) until the next edit.
  await page.fill('#secret-1', ACCESS_KEY);
  await page.click('button:has-text("Reset")');
  await page.waitForSelector('#secret-1', { state: 'detached' });
  await page.click('[data-action="undo-reset"]');
  assert.equal(await page.inputValue('#ks-name-1'), 's3.client.default.access_key');
  assert.equal(await page.inputValue('#secret-1'), ACCESS_KEY, 'the undone reset gives the secret back');
  assert.equal(await page.$('[data-action="undo-reset"]'), null);
  await page.click('button:has-text("Reset")');
  await page.goto(server.url + '#/repository');
  assert.equal(await page.inputValue('#field-bucket'), '');
  await page.fill('#field-bucket', 'typed-after-reset');
  assert.equal(await page.$('[data-action="undo-reset"]'), null, 'no undo once something was typed');
  await page.fill('#field-bucket', '');

  const other = await browser.newPage();
  await other.goto(link);
  await expectShell(other, assert);
  await other.goto(link.replace('#/keystore', '#/repository'));
  assert.equal(await other.inputValue('#field-bucket'), 'kept-bucket');
  assert.equal(await other.inputValue('#field-repository'), 'kept-repo');
  // The link's draft is taken once: the URL keeps only the area, so edits
  // made after opening it survive a reload (the link used to win again).
  await other.waitForFunction(() => !location.hash.includes('draft='));
  assert.equal(new URL(other.url()).hash, '#/repository');
  await other.fill('#field-bucket', 'edited-after-link');
  await other.reload();
  await expectShell(other, assert);
  assert.equal(await other.inputValue('#field-bucket'), 'edited-after-link');
  await other.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the single file works from file:// for the guided payloads', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto('file://' + path.join(DIST, 'ecekit.html') + '#/guided');
  await expectShell(page, assert);
  await page.fill('#field-bucket', 'acme-es-snapshots');
  assert.equal(await stepJson(page, 'policy'), cli(['policy', '--bucket', 'acme-es-snapshots']));
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('screenshots of every area in both themes', async () => {
  for (const scheme of ['light', 'dark']) {
    for (const width of [1200, 360]) {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 } });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(server.url + '#/guided');
      await expectShell(page, assert);
      await page.fill('#field-bucket', 'acme-es-snapshots');
      for (const area of AREAS) {
        await page.goto(server.url + `#/${area}`);
        await waitForArea(page, area);
        await screenshot(page, `area-${area}-${scheme}-${width}`);
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});
