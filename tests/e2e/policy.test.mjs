// The access policy area: the policy is generated live from the form, in
// JSON, AWS CLI and Terraform; a bad bucket name gets a specific message,
// shown as an error on the field and in place of the policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  collectErrors, expectShell, screenshot, browser, server, usePageServer,
} from './harness.mjs';

usePageServer();

test('policy: typing a bucket shows the least-privilege policy and its commands', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + '#/policy');
  await expectShell(page, assert);
  await page.fill('#field-bucket', 'snaps.example.com');
  await page.waitForSelector('pre[data-output="JSON"]');
  const policy = JSON.parse(await page.textContent('pre[data-output="JSON"]'));
  assert.equal(policy.Version, '2012-10-17');
  const resources = policy.Statement.flatMap((s) => s.Resource);
  assert.ok(resources.includes('arn:aws:s3:::snaps.example.com'));
  assert.ok(resources.includes('arn:aws:s3:::snaps.example.com/*'));
  assert.ok(!policy.Statement.some((s) => [].concat(s.Action).includes('s3:*')));
  const tabs = await page.$$eval('[role=tab]', (t) => t.map((e) => e.textContent.trim()));
  assert.deepEqual(tabs, ['JSON', 'AWS CLI', 'Terraform']);
  await page.click('[role=tab]:has-text("Terraform")');
  assert.match(await page.textContent('pre.code'), /resource "aws_iam_policy"/);
  await screenshot(page, 'policy-s3');

  await page.fill('#field-bucket', 's3_REPOSITORY_NAME');
  // An invalid input is an error: on the field, and where the policy would be.
  await page.waitForSelector('main p.field-error[data-invalid][role=status]');
  assert.match(await page.textContent('main p.field-error[data-invalid][role=status]'), /uppercase|_/i);
  assert.equal(await page.getAttribute('#field-bucket', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#field-bucket-error'), /uppercase|_/i);
  assert.deepEqual(errors, []);
  await page.close();
});
