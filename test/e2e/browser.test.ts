import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemediation, updateRemediation } from '@ztv/store';
import { seedFindings, startApiHarness, type ApiHarness } from './api-harness';
import { findingUrl } from '../../services/alerter/src/notify/format';

const run = promisify(execFile);
const chromiumPath = '/usr/bin/chromium';
const shots = join(process.cwd(), 'test-results', 'browser');

/** Debian's chromium, installed here when missing and we are root (as in CI); no browser is ever downloaded. */
async function ensureChromium(): Promise<void> {
  if (existsSync(chromiumPath)) return;
  if (process.getuid?.() !== 0) throw new Error("install Debian's chromium: apt-get install -y chromium");
  console.log('browser test: /usr/bin/chromium is missing, running apt-get install -y chromium');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['install', '-y', '-q', 'chromium'], { env, maxBuffer: 64 * 1024 * 1024 }).catch(async () => {
    await run('apt-get', ['update', '-q'], { env, maxBuffer: 64 * 1024 * 1024 });
    await run('apt-get', ['install', '-y', '-q', 'chromium'], { env, maxBuffer: 64 * 1024 * 1024 });
  });
  if (!existsSync(chromiumPath)) throw new Error("install Debian's chromium: apt-get install -y chromium");
}

describe('dashboard in headless Chromium', () => {
  let h: ApiHarness;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    await ensureChromium();
    await mkdir(shots, { recursive: true });
    h = await startApiHarness();
    await seedFindings(h, undefined, new Date(Date.now() - 2 * 86_400_000));
    // One finding already has a plan recorded by the remediator, waiting for approval.
    const [mtls] = (await h.call('GET', '/api/v1/findings?rule=mtls-not-strict')).body.items;
    const { remediation } = await createRemediation(h.store.db, { findingId: mtls.id, playbook: 'enforce-strict-mtls', mode: 'approve', requestedBy: 'operator-bot' });
    await updateRemediation(h.store.db, remediation.id, {
      from: ['requested'],
      status: 'awaiting_approval',
      diff: { 'PeerAuthentication payments/default': { spec: { mtls: { mode: { from: 'PERMISSIVE', to: 'STRICT' } } } } },
    });
    profile = await mkdtemp(join(tmpdir(), 'ztv-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1360, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await h?.stop();
  });

  it('signs in with a token, shows the posture, the findings, and records an acknowledgement in the history', async () => {
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    page.on('request', (r) => {
      if (!r.url().startsWith(h.url)) failedRequests.push(`off-site: ${r.url()}`);
    });

    await page.goto(h.url);
    await page.getByLabel('API token').fill('ztv_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not valid/);

    await page.getByLabel('API token').fill(h.tokens.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('open-total').textContent()).toBe('5');
    expect(await page.getByTestId('open-critical').locator('.n').textContent()).toBe('1');
    expect(await page.locator('svg.chart rect.bar-opened').count()).toBeGreaterThan(0);
    await shot('01-overview');

    await page.locator('nav a[data-nav="findings"]').click();
    await expect.poll(() => page.locator('tr[data-finding]').count()).toBe(5);
    await shot('02-findings');
    await page.locator('select[name="severity"]').selectOption('critical');
    await expect.poll(() => page.locator('tr[data-finding]').count()).toBe(1);
    await page.locator('select[name="severity"]').selectOption('');
    await expect.poll(() => page.locator('tr[data-finding]').count()).toBe(5);

    await page.locator('tr[data-finding]', { hasText: 'netpol-default-deny-missing' }).filter({ hasText: 'payments' }).click();
    await expect.poll(() => page.locator('[data-testid="timeline"] li').count()).toBe(1);
    expect(await page.locator('.finding-head .status').textContent()).toBe('open');
    await shot('03-finding');

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.locator('[data-testid="timeline"] li').count()).toBe(2);
    const latest = page.locator('[data-testid="timeline"] li').first();
    expect(await latest.getAttribute('data-kind')).toBe('acknowledged');
    expect(await latest.textContent()).toContain('admin-bot');
    expect(await page.locator('.finding-head .status').textContent()).toBe('acknowledged');
    await shot('04-acknowledged');

    const stored = (await h.call('GET', '/api/v1/findings?rule=netpol-default-deny-missing&namespace=payments')).body.items[0];
    expect(stored.status).toBe('acknowledged');
    expect(failedRequests).toEqual([]);
  });

  it('shows the dry-run diff before approval, and approves it', async () => {
    await page.goto(`${h.url}/#/findings?rule=mtls-not-strict`);
    await page.locator('tr[data-finding]').first().click();
    const rem = page.locator('[data-remediation]');
    await expect.poll(() => rem.locator('pre.json').textContent()).toContain('STRICT');
    expect(await rem.locator('.status').textContent()).toBe('awaiting approval');
    await shot('05-remediation-diff');

    await rem.getByRole('button', { name: 'Approve and apply' }).click();
    await expect.poll(() => page.locator('[data-remediation] .status').textContent()).toBe('approved');
    expect(await page.locator('[data-testid="timeline"] li').first().textContent()).toContain('remediation approved');
    await shot('06-remediation-approved');
  });

  it('opens the link a Slack or PagerDuty notification carries, through sign-in, on that finding', async () => {
    const [finding] = (await h.call('GET', '/api/v1/findings?rule=netpol-default-deny-missing&namespace=payments')).body.items;
    // A new tab: the token is kept per tab, so this is a person following the link from a page.
    const tab = await context.newPage();
    try {
      await tab.goto(findingUrl(h.url, finding.id));
      await tab.getByLabel('API token').fill(h.tokens.viewer);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => tab.locator('.finding-head .status').textContent()).toBe('acknowledged');
      expect(await tab.locator('.finding-head').textContent()).toContain('payments');
      expect(new URL(tab.url()).hash).toBe(`#/findings/${finding.id}`);
    } finally {
      await tab.close();
    }
  });
});
