// "Send it": the extension's Connection area against the coordinator
// simulator (target/release/ecekit simulator), in headless Chromium.
//
// Host permission: a headless browser cannot answer the permission prompt
// that chrome.permissions.request opens, so the test loads a copy of
// dist/extension whose manifest also lists the simulator's origin under
// host_permissions: the state after a user clicked "Grant access" and said
// yes. Revoking and re-granting then go through Chrome's own extension
// settings API (chrome://extensions, chrome.developerPrivate), the one the
// "Site access" controls use, and the extension checks
// chrome.permissions.contains before each send.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchWithExtension, openConnectionPanel, startSimulator, extensionWithLoopbackAccess, runOperation,
  simulatorKeystore as harnessKeystore, scanProfileForSecrets, screenshot,
} from './harness.mjs';

const API_KEY = `e2e-${crypto.randomBytes(12).toString('hex')}`;
const ACCESS_KEY = `AKIAE2E${crypto.randomBytes(6).toString('hex').toUpperCase()}`;
const SECRET_KEY = `e2e-secret-${crypto.randomBytes(10).toString('hex')}`;
const PASSPHRASE = 'correct horse battery staple';
const HANG = 'fa17000000000000000000000000ba46';
const FIVE_HUNDRED = 'fa170000000000000000000000000500';
const DROP = 'fa1700000000000000000000000d7000';

let sim;
let base; // http://127.0.0.1:PORT
let extDir;
let profile;
let context;
let page;
let extensionId;
const consoleLog = [];

async function launch() {
  ({ context, id: extensionId } = await launchWithExtension(extDir, profile));
  page = await openConnectionPanel(context, extensionId, consoleLog);
}

const run = (action, status, timeout) => runOperation(page, action, status, timeout);
const simulatorKeystore = (id) => harnessKeystore(base, API_KEY, id);

const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');

let deployment;

before(async () => {
  ({ sim, base } = await startSimulator(['--api-key', API_KEY, '--fault-deployments', '--hang-secs', '30'],
    (line) => consoleLog.push(`[simulator] ${line}`)));
  const list = await (await fetch(`${base}/api/v1/deployments`,
    { headers: { Authorization: `ApiKey ${API_KEY}` } })).json();
  deployment = list.deployments.find((d) => !d.id.startsWith('fa17')).id;
  // The extension as installed, plus the simulator's origin granted (see top).
  extDir = extensionWithLoopbackAccess();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecekit-conn-profile-'));
  await launch();
});

after(async () => {
  await context?.close();
  sim?.kill();
});

test('a wrong API key gets 401 with what to check; the form keeps what was typed', async () => {
  await page.fill('#conn-coordinator', base);
  await page.fill('#conn-api-key', 'not-the-key');
  const text = await run('connect', 'Connect');
  assert.match(text, /401/);
  assert.match(text, /What to check/);
  assert.doesNotMatch(text, /Failed to fetch/);
  assert.equal(await page.inputValue('#conn-coordinator'), base);
  assert.equal(await page.inputValue('#conn-api-key'), 'not-the-key');
  assert.equal(await page.$('[data-connected]'), null, 'a refused key is not kept');
});

test('connect lists the deployments and shows the key expiry', async () => {
  await page.fill('#conn-api-key', API_KEY);
  const text = await run('connect', 'Connect');
  assert.match(text, /Connected to http:\/\/127\.0\.0\.1:\d+: \d+ deployments listed/);
  await page.waitForSelector('[data-connected]');
  assert.match(await page.textContent('.key-expiry'), /expires in \d+ days/);
  await screenshot(page, 'connection-connected');
});

test('remember seals the key with a passphrase; only the sealed record is stored', async () => {
  await page.fill('#conn-passphrase', PASSPHRASE);
  await page.click('[data-action="remember"]');
  await page.waitForSelector('[data-status="Vault"].ok', { timeout: 30000 });
  assert.match(await page.textContent('[data-status="Vault"]'), /saved, encrypted/);
  const stored = await page.evaluate(() => chrome.storage.local.get(null));
  const record = JSON.parse(stored['ecekit.sealed-key.v1']);
  assert.equal(record.iterations, 600000);
  assert.equal(record.coordinator, base);
  assert.ok(!JSON.stringify(stored).includes(API_KEY));
});

test('after a browser restart: a wrong passphrase destroys nothing, the right one unlocks', async () => {
  await context.close();
  await launch();
  // The draft (coordinator) came back from storage; the key did not.
  assert.equal(await page.inputValue('#conn-coordinator'), base);
  assert.equal(await page.$('[data-connected]'), null);
  await page.waitForSelector('[data-action="unlock"]');
  await page.fill('#conn-passphrase', 'wrong passphrase');
  await page.click('[data-action="unlock"]');
  await page.waitForSelector('[data-status="Vault"].error', { timeout: 30000 });
  assert.match(await page.textContent('[data-status="Vault"]'), /does not unlock.*Nothing was changed/);
  assert.ok(await page.$('[data-saved]'), 'the saved key is still there');
  await page.fill('#conn-passphrase', PASSPHRASE);
  await page.click('[data-action="unlock"]');
  await page.waitForSelector('[data-status="Vault"].ok', { timeout: 30000 });
  await page.waitForSelector('[data-connected]');
});

test('pick a deployment, apply a keystore change after confirming the diff, read it back', async () => {
  const text = await run('list-deployments', 'Connect');
  assert.match(text, /deployments listed/);
  await page.selectOption('#conn-deployment', `${deployment}/main-elasticsearch`);
  assert.equal(await page.inputValue('#conn-deployment-id'), deployment);
  assert.equal(await page.inputValue('#conn-ref-id'), 'main-elasticsearch');

  await page.click('[data-action="add-client"]');
  const values = page.locator('.ks-value');
  await values.nth(0).fill(ACCESS_KEY);
  await values.nth(1).fill(SECRET_KEY);
  const request = await page.textContent('[data-op="apply"] .request-text');
  assert.match(request, /^PATCH http:\/\/127\.0\.0\.1:\d+\/api\/v1\/deployments\/[0-9a-f]{32}\/elasticsearch\/main-elasticsearch\/keystore/);
  assert.match(request, /Authorization: ApiKey ‹the API key in memory, not shown›/);
  assert.ok(!request.includes(SECRET_KEY) && !request.includes(API_KEY), 'the shown request hides secrets');

  const review = await run('apply', 'Apply');
  assert.match(review, /Review the change/);
  const diff = await page.textContent('[data-confirm="Apply"]');
  assert.match(diff, /Added \(2\): s3\.client\.default\.access_key, s3\.client\.default\.secret_key/);
  const done = await run('confirm', 'Apply');
  assert.match(done, /Done: 2 added/);
  assert.match(done, /now holds 2 keys: s3\.client\.default\.access_key, s3\.client\.default\.secret_key/);

  const stored = await simulatorKeystore(deployment);
  assert.equal(stored['s3.client.default.access_key'].sha256, sha256(ACCESS_KEY));
  assert.equal(stored['s3.client.default.secret_key'].sha256, sha256(SECRET_KEY));

  const listed = await run('list-keys', 'ListKeys');
  assert.match(listed, /holds 2 keys/);
  assert.match(listed, /values are never sent back/);
});

test('reload secure settings, then register and verify the repository', async () => {
  const reload = await run('reload', 'Reload');
  assert.match(reload, /Secure settings reloaded on \d+ nodes/);
  await page.fill('#conn-bucket', 'e2e-snapshots');
  await page.fill('#conn-repository', 'e2e-repo');
  const shown = await page.textContent('[data-op="repository"] .request-text');
  assert.match(shown, /PUT .*\/proxy\/_snapshot\/e2e-repo/);
  assert.match(shown, /X-Management-Request: true/);
  const text = await run('repository', 'Repository');
  assert.match(text, /Repository e2e-repo verified on \d+ nodes?:/);
  await screenshot(page, 'connection-verified');
});

async function keystoreValuesKept() {
  const values = await page.locator('.ks-value').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(values, [ACCESS_KEY, SECRET_KEY], 'typed secret values are kept');
}

test('404: a deployment that does not exist', async () => {
  await page.fill('#conn-deployment-id', '0'.repeat(32));
  const text = await run('list-keys', 'ListKeys');
  assert.match(text, /404/);
  assert.match(text, /deployment id/i);
  assert.equal(await page.inputValue('#conn-deployment-id'), '0'.repeat(32));
  await keystoreValuesKept();
});

test('500: the coordinator fails', async () => {
  await page.fill('#conn-deployment-id', FIVE_HUNDRED);
  const text = await run('list-keys', 'ListKeys');
  assert.match(text, /500/);
  await keystoreValuesKept();
});

test('timeout: the stated limit', async () => {
  await page.fill('#conn-timeout', '2');
  await page.fill('#conn-deployment-id', HANG);
  const text = await run('list-keys', 'ListKeys');
  assert.match(text, /No answer from http:\/\/127\.0\.0\.1:\d+ within 2 s/);
  await page.fill('#conn-timeout', '20');
  await keystoreValuesKept();
});

test('dropped connection: explained, never a bare "Failed to fetch"', async () => {
  await page.fill('#conn-deployment-id', DROP);
  const text = await run('list-keys', 'ListKeys');
  assert.match(text, /Could not connect to http:\/\/127\.0\.0\.1:\d+/);
  assert.match(text, /dropped/);
  assert.doesNotMatch(text, /Failed to fetch/);
  await keystoreValuesKept();
});

test('revoked host permission: nothing is sent, the message says how to grant it back', async () => {
  await page.fill('#conn-deployment-id', deployment);
  const settings = await context.newPage();
  await settings.goto('chrome://extensions/');
  await settings.evaluate((id) => chrome.developerPrivate.removeHostPermission(id, 'http://127.0.0.1/*'), extensionId);
  assert.equal(await page.evaluate(() => chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })), false);
  const text = await run('list-keys', 'ListKeys');
  assert.match(text, /may not reach http:\/\/127\.0\.0\.1:\d+ yet/);
  assert.match(text, /Grant access/);
  await page.waitForSelector('[data-action="grant"]');
  await keystoreValuesKept();
  // Granted again in the browser's settings: sending works again.
  await settings.evaluate((id) => chrome.developerPrivate.addHostPermission(id, 'http://127.0.0.1/*'), extensionId);
  await settings.close();
  const again = await run('list-keys', 'ListKeys');
  assert.match(again, /holds 2 keys/);
});

test('remove a key after confirming; lock drops the key from memory', async () => {
  await page.fill('#conn-remove-names', 's3.client.default.access_key');
  const review = await run('remove', 'Remove');
  assert.match(review, /1 removed/);
  assert.match(await page.textContent('[data-confirm="Remove"]'), /Removed \(1\): s3\.client\.default\.access_key/);
  const done = await run('confirm', 'Remove');
  assert.match(done, /now holds 1 key: s3\.client\.default\.secret_key/);
  const stored = await simulatorKeystore(deployment);
  assert.deepEqual(Object.keys(stored), ['s3.client.default.secret_key']);
  await page.click('[data-action="lock"]');
  await page.waitForSelector('[data-connected]', { state: 'detached' });
});

test('no secret in the profile (extension storage, local storage) or the console', async () => {
  await context.close();
  context = null;
  const needles = { 'API key': API_KEY, 'access key': ACCESS_KEY, 'secret key': SECRET_KEY,
    passphrase: PASSPHRASE };
  const { hits, storageDirs } = scanProfileForSecrets(profile, needles);
  assert.ok(storageDirs.length > 0, 'the profile has extension storage to scan');
  assert.deepEqual(hits, []);
  const log = consoleLog.join('\n');
  for (const [what, n] of Object.entries(needles)) assert.ok(!log.includes(n), `the console log holds no ${what}`);
});
