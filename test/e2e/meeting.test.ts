/**
 * The meeting check screen in Chromium (main and preload real, `sim:` training devices in a simulated
 * meeting): both identities and the same security code, a join seen live with the new code, a meeting
 * of the wrong session type named; in English and in Korean.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { en } from '../../src/renderer/i18n/en.js';
import { ko } from '../../src/renderer/i18n/ko.js';
import { createSimulator, simMeeting, endSimMeeting } from '../../src/simulator/index.js';
import { giveIdentity } from '../helpers/meeting.js';
import { systemHas } from '../helpers/system.js';
import { type AppHarness, startApp } from './harness.js';
import { checkScreen } from './screens.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

const MEETING = `e2e-meeting-${randomUUID().slice(0, 8)}`;
const WRONG = `e2e-wrong-${randomUUID().slice(0, 8)}`;
const A = `sim:?registered=on&serial=FOCMEETE2EA&name=Room%20A&meeting=${MEETING}`;
const B = `sim:?registered=on&serial=FOCMEETE2EB&name=Room%20B&meeting=${MEETING}`;
const C = `sim:?registered=on&serial=FOCMEETE2EC&name=Room%20C&meeting=${WRONG}&sessiontype=651`;

function eventually<T>(f: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(f, { timeout, interval: 100 });
}

describe.runIf(systemHas('chromium') && systemHas('keyring') && systemHas('openssl'))(
  'the meeting check screen in Chromium',
  () => {
    let app: AppHarness;
    let page: Page;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'e2ee-e2e-meeting-'));
      process.env.E2EE_PROV_KEYCHAIN_SERVICE = `e2ee-prov-e2e-meeting-${randomUUID()}`;
      process.env.E2EE_PROV_HOME = join(dir, 'home');
      process.env.E2EE_PROV_KNOWN_HOSTS = join(dir, 'known-hosts.json');
      // The training devices keep their state where main keeps it (named by the target): give each its
      // identity there first, as if it had been provisioned.
      const sims = join(dir, 'home', 'simulators');
      await mkdir(sims, { recursive: true, mode: 0o700 });
      for (const [target, cn] of [
        [A, 'room-a.example.com'],
        [B, 'room-b.example.com'],
        [C, 'room-c.example.com'],
      ] as const) {
        const id = createHash('sha256').update(target).digest('hex').slice(0, 24);
        const sim = await createSimulator({ stateFile: join(sims, `sim-${id}.json`), registered: true });
        await giveIdentity(sim, cn);
        await sim.close();
      }
      simMeeting(MEETING).join(
        // A hostile display name: shown inert (escaped), never as a control sequence.
        { displayName: 'Guest\u001b[31m\u202e', identity: '', verification: 'unverified', certInfo: '' },
        { isHost: false },
      );
      app = await startApp();
      page = app.page;
    });

    afterAll(async () => {
      await app?.close();
      endSimMeeting(MEETING);
      endSimMeeting(WRONG);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function connect(target: string, serial: string): Promise<void> {
      await page.getByRole('tab', { name: en.nav.provision }).click();
      await page.getByRole('button', { name: en.wizard.pages.device }).click();
      await page.getByRole('radio', { name: en.device.links.sim }).check();
      await page.locator('#target').fill(target);
      await page.getByRole('button', { name: en.device.connect, exact: true }).click();
      await eventually(() => page.getByTestId('device-chip').textContent()).toContain(serial);
    }

    it('two devices in one meeting: both identities, the same code, a join seen live, in English and Korean', async () => {
      await connect(A, 'FOCMEETE2EA');
      await page.getByRole('tab', { name: en.nav.meeting }).click();
      await page.getByRole('button', { name: en.meeting.add }).click();
      await page.getByTestId('other-target-0').fill(B);
      await page.getByTestId('meeting-start').click();
      const cards = page.getByTestId('meeting-device');
      await eventually(() => cards.count()).toBe(2);
      const meeting = simMeeting(MEETING);
      const code = meeting.securityCode();
      expect(await page.getByTestId('meeting-identity').allTextContents()).toEqual([
        'room-a.example.com',
        'room-b.example.com',
      ]);
      expect(await page.getByTestId('meeting-code').allTextContents()).toEqual([code, code]);
      expect(await page.getByTestId('meeting-session-type').allTextContents()).toEqual([
        '652 (Pro-End to End Encryption_VOIPonly)',
        '652 (Pro-End to End Encryption_VOIPonly)',
      ]);
      expect(await cards.first().locator('li[data-code="self"]').textContent()).toBe(
        'This device appears as room-a.example.com, externally verified.',
      );
      expect(await cards.nth(1).locator('li[data-code="self"]').textContent()).toBe(
        'This device appears as room-b.example.com, externally verified.',
      );
      expect(
        await cards
          .first()
          .getByTestId('participant')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-verification'))),
      ).toEqual(['unverified', 'external', 'external']);
      expect(
        await page.getByTestId('meeting-compare').locator('li[data-code="codes-match"]').textContent(),
      ).toBe(`All 2 devices show the same security code: ${code}.`);
      expect(await cards.first().locator('li[data-code="participant"]').first().textContent()).toBe(
        'Participant Guest\\x1b[31m\\u202e: no identity, unverified.',
      );
      expect(await cards.first().getByTestId('participant').first().locator('td').first().textContent()).toBe(
        'Guest\\x1b[31m\\u202e',
      );
      // axe finds nothing, the Korean screen holds no English, and the screen is photographed.
      await checkScreen(page, '17-meeting-check', { dark: true });

      const late = meeting.join({
        displayName: 'Late Room',
        identity: 'late.example.com',
        verification: 'webex',
        certInfo: JSON.stringify({
          subject: 'CN=late.example.com',
          issuer: 'CN=Webex CA',
          notBefore: '2026-11-01T00:00:00Z',
          notAfter: '2026-11-15T00:00:00Z',
          fingerprint: 'CD'.repeat(32),
        }),
      });
      const after = meeting.securityCode();
      expect(after).not.toBe(code);
      const updates = page.getByTestId('meeting-updates');
      await eventually(() => updates.locator('li[data-kind="security-code"]').count()).toBe(2);
      const lines = await updates.locator('li').allTextContents();
      expect(
        lines.filter((l) => l.endsWith('Late Room joined (late.example.com, Webex-verified)')),
      ).toHaveLength(2);
      expect(
        lines.filter((l) => l.endsWith(`Security code changed: ${code} → ${after} (after Late Room joined)`)),
      ).toHaveLength(2);
      await eventually(() => page.getByTestId('meeting-code').allTextContents()).toEqual([after, after]);
      await eventually(() => page.locator('li[data-code="code-changed"]').count()).toBe(2);
      expect(await page.locator('li[data-code="code-changed"]').first().textContent()).toBe(
        `The security code changed when Late Room joined: ${code} → ${after}.`,
      );
      expect(await page.getByTestId('cert').allTextContents()).toContain(
        `subject CN=late.example.com; issuer CN=Webex CA; valid 2026-11-01T00:00:00Z to 2026-11-15T00:00:00Z; fingerprint ${'cd'.repeat(32)}`,
      );

      await page.getByRole('combobox', { name: 'Language / 언어' }).selectOption('ko');
      await eventually(() => page.locator('#meeting-heading').textContent()).toBe(ko.meeting.heading);
      expect(await page.getByRole('tab', { name: ko.nav.meeting }).getAttribute('aria-selected')).toBe(
        'true',
      );
      expect(await cards.first().locator('li[data-code="self"]').textContent()).toBe(
        '이 장치는 room-a.example.com(으)로 표시되며 외부에서 검증됨.',
      );
      expect(
        await page.getByTestId('meeting-compare').locator('li[data-code="codes-match"]').textContent(),
      ).toBe(`2개 장치 모두 같은 보안 코드를 표시합니다: ${after}.`);
      expect(await page.locator('li[data-code="code-changed"]').first().textContent()).toBe(
        `Late Room이(가) 참여했을 때 보안 코드가 바뀌었습니다: ${code} → ${after}.`,
      );
      expect(await page.getByTestId('meeting-encrypted').allTextContents()).toEqual([
        ko.meeting.encrypted,
        ko.meeting.encrypted,
      ]);
      await page.getByRole('button', { name: ko.meeting.stop }).click();
      await eventually(() => page.getByTestId('meeting-watching').count()).toBe(0);
      meeting.leave(late);
      await page.getByRole('combobox', { name: 'Language / 언어' }).selectOption('en');
      expect(app.pageErrors).toEqual([]);
    });

    it('a meeting of the wrong session type is named, in English and Korean', async () => {
      await connect(C, 'FOCMEETE2EC');
      await page.getByRole('tab', { name: en.nav.meeting }).click();
      const remove = page.getByRole('button', { name: en.meeting.remove });
      while ((await remove.count()) > 0) await remove.first().click();
      await page.getByTestId('meeting-start').click();
      await eventually(() => page.getByTestId('meeting-session-type').allTextContents()).toEqual([
        '651 (not an end-to-end encrypted session type)',
      ]);
      expect(await page.getByTestId('meeting-encrypted').getAttribute('data-encrypted')).toBe('false');
      await checkScreen(page, '18-meeting-wrong-type');
      expect(await page.locator('li[data-code="wrong-session-type"]').textContent()).toBe(
        'The meeting’s session type 651 is not an end-to-end encrypted session type (Table 1): schedule it as Pro-End to End Encryption_VOIPonly (652) or another type of Table 1.',
      );
      await page.getByRole('combobox', { name: 'Language / 언어' }).selectOption('ko');
      await eventually(() => page.getByTestId('meeting-session-type').allTextContents()).toEqual([
        '651(종단 간 암호화 세션 유형이 아님)',
      ]);
      expect(await page.locator('li[data-code="wrong-session-type"]').textContent()).toBe(
        '회의의 세션 유형 651은(는) 종단 간 암호화 세션 유형이 아닙니다(표 1). Pro-End to End Encryption_VOIPonly(652) 또는 표 1의 다른 유형으로 예약하십시오.',
      );
      expect(await page.locator('li[data-code="not-encrypted"]').textContent()).toBe(
        '통화가 종단 간 암호화되지 않았습니다(상태 Off). 세션 유형이 E2EE 유형이 아닙니다',
      );
      await page.getByRole('button', { name: ko.meeting.stop }).click();
      expect(app.pageErrors).toEqual([]);
    });
  },
);
