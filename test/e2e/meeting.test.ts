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
import { Journal } from '../../src/main/vault/journal.js';
import { giveIdentity } from '../helpers/meeting.js';
import { systemHas } from '../helpers/system.js';
import { type AppHarness, startApp } from './harness.js';
import { checkScreen } from './screens.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

const MEETING = `e2e-meeting-${randomUUID().slice(0, 8)}`;
const WRONG = `e2e-wrong-${randomUUID().slice(0, 8)}`;
const SCHEMA = `e2e-schema-${randomUUID().slice(0, 8)}`;
// Rooms A and B: a meeting shaped as the seed's Table 3 (the call's E2EE status, code and roster).
const A = `sim:?registered=on&serial=FOCMEETE2EA&name=Room%20A&meeting=${MEETING}&meetingshape=seed`;
const B = `sim:?registered=on&serial=FOCMEETE2EB&name=Room%20B&meeting=${MEETING}&meetingshape=seed`;
const C = `sim:?registered=on&serial=FOCMEETE2EC&name=Room%20C&meeting=${WRONG}&sessiontype=651&meetingshape=seed`;
// Room D: a meeting as the published schema gives it (participants only; no status, no code).
const D = `sim:?registered=on&serial=FOCMEETE2ED&name=Room%20D&meeting=${SCHEMA}`;

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
      // The journal of this computer knows rooms A and D as provisioned (the inventory's rows).
      const journal = new Journal(join(dir, 'home'));
      for (const [target, cn, serial] of [
        [A, 'room-a.example.com', 'FOCMEETE2EA'],
        [B, 'room-b.example.com', null],
        [C, 'room-c.example.com', null],
        [D, 'room-d.example.com', 'FOCMEETE2ED'],
      ] as const) {
        const id = createHash('sha256').update(target).digest('hex').slice(0, 24);
        const sim = await createSimulator({ stateFile: join(sims, `sim-${id}.json`), registered: true });
        const cert = await giveIdentity(sim, cn);
        await sim.close();
        if (serial === null) continue;
        const facts = { cn, fingerprint: cert.sha1, notAfter: '2027-12-01T00:00:00.000Z' };
        await journal.outcome(
          'cert.add',
          await journal.intent('cert.add', serial, facts),
          serial,
          'ok',
          'response',
        );
        const activate = await journal.intent('cert.activate', serial, {
          fingerprint: cert.sha1,
          purpose: 'WebexIdentity',
        });
        await journal.outcome('cert.activate', activate, serial, 'ok', 'response');
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
      endSimMeeting(SCHEMA);
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
      // A webex: device is one of the Fleet list, polled: the interval is asked, checked, and sent.
      expect(await page.getByTestId('meeting-poll').count()).toBe(0);
      await page.getByTestId('other-target-0').fill('webex:FOCNOTLISTED');
      expect(await page.getByTestId('meeting-poll').inputValue()).toBe('5');
      await page.getByTestId('meeting-poll').fill('0');
      expect(await page.getByTestId('meeting-start').isDisabled()).toBe(true);
      expect(await page.getByTestId('meeting-poll-invalid').textContent()).toBe(
        'Give a whole number of seconds from 1 to 3600.',
      );
      await page.getByTestId('meeting-poll').fill('10');
      await page.getByTestId('meeting-start').click();
      await eventually(() => page.locator('.problem').getAttribute('data-code')).toBe(
        'ERR_APP_FLEET_NOT_LISTED',
      );
      expect(app.calls.filter((c) => c.channel === 'meeting.start').map((c) => c.input)).toEqual([
        { others: [{ target: 'webex:FOCNOTLISTED', password: null }], serial: null, pollSeconds: 10 },
      ]);
      await page.getByTestId('other-target-0').fill(B);
      expect(await page.getByTestId('meeting-poll').count()).toBe(0);
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
        '이 장치는 room-a.example.com(으)로 표시되며 외부에서 검증됨 상태입니다.',
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
      // The failure is said in the row, without unfolding the details.
      expect(await page.getByTestId('meeting-first-fail').textContent()).toBe(
        'The call is not end-to-end encrypted (status Off). The session type is not an E2EE type.',
      );
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
        '통화가 종단 간 암호화되지 않았습니다(상태 Off). 세션 유형이 E2EE 유형이 아닙니다.',
      );
      await page.getByRole('button', { name: ko.meeting.stop }).click();
      expect(app.pageErrors).toEqual([]);
    });

    it('a device change clears every reading; an inventory row checks that device or says why not', async () => {
      await page.getByRole('combobox', { name: 'Language / 언어' }).selectOption('en');
      // Room A checked: its row is on screen.
      await connect(A, 'FOCMEETE2EA');
      await page.getByRole('tab', { name: en.nav.meeting }).click();
      const remove = page.getByRole('button', { name: en.meeting.remove });
      while ((await remove.count()) > 0) await remove.first().click();
      await page.getByTestId('meeting-start').click();
      const rows = page.getByTestId('meeting-device');
      await eventually(() => rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-serial')))).toEqual([
        'FOCMEETE2EA',
      ]);

      // Another device connected: main holds no reading any more, and none is on screen.
      await connect(D, 'FOCMEETE2ED');
      await page.getByRole('tab', { name: en.nav.meeting }).click();
      expect(await page.evaluate(() => window.provisioner.meeting.read())).toEqual({
        ok: true,
        value: { report: null, updates: [], watching: false, error: null, serial: null },
      });
      expect(await rows.count()).toBe(0);
      expect(await page.getByTestId('meeting-report').count()).toBe(0);

      // The inventory's row for room A while room D is connected: the check refuses and names both.
      await page.getByRole('tab', { name: en.nav.inventory }).click();
      const rowA = page.getByTestId('inventory').locator('tr[data-serial=FOCMEETE2EA]');
      await rowA.getByRole('button', { name: en.inventory.meeting }).click();
      expect(await page.getByTestId('meeting-other-device').textContent()).toBe(
        'The connected device is FOCMEETE2ED, not FOCMEETE2EA: connect to FOCMEETE2EA first.',
      );
      expect(await page.getByTestId('meeting-start').isDisabled()).toBe(true);
      // Main refuses too, whatever the window asks.
      expect(await page.evaluate(() => window.provisioner.meeting.start([], 'FOCMEETE2EA'))).toMatchObject({
        ok: false,
        code: 'ERR_APP_MEETING_OTHER_DEVICE',
        details: { connected: 'FOCMEETE2ED', chosen: 'FOCMEETE2EA' },
      });
      expect(await rows.count()).toBe(0);

      // The inventory's row for room D, connected: the check runs on it. Its meeting is shaped as the
      // published schema: no status, no code; each participant as given; warnings, no failure.
      simMeeting(SCHEMA).join({
        displayName: 'Guest',
        identity: '',
        verification: 'unverified',
        certInfo: '',
      });
      await page.getByRole('tab', { name: en.nav.inventory }).click();
      await page
        .getByTestId('inventory')
        .locator('tr[data-serial=FOCMEETE2ED]')
        .getByRole('button', { name: en.inventory.meeting })
        .click();
      await page.getByTestId('meeting-start').click();
      await eventually(() => rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-serial')))).toEqual([
        'FOCMEETE2ED',
      ]);
      expect(await page.getByTestId('meeting-expected').textContent()).toBe(
        'Device FOCMEETE2ED, expected to appear as room-d.example.com. It appears as room-d.example.com, the identity the journal recorded.',
      );
      expect(await page.getByTestId('meeting-encrypted').textContent()).toBe(
        en.meeting.encryptionNotReported,
      );
      expect(await page.getByTestId('meeting-code').textContent()).toBe(en.meeting.codeNotReported);
      expect(await page.getByTestId('meeting-summary').textContent()).toBe('Warnings: 3.');
      expect(
        await rows
          .first()
          .getByTestId('participant')
          .evaluateAll((r) => r.map((x) => [x.children[1]?.textContent, x.children[2]?.textContent])),
      ).toEqual([
        ['room-d.example.com', 'externally verified'],
        ['no identity', 'unverified'],
      ]);
      expect(await rows.first().locator('li[data-code="self"]').getAttribute('data-level')).toBe('ok');
      await checkScreen(page, '19-meeting-rows');
      await page.locator('.meeting-details > summary').first().click();
      await checkScreen(page, '19-meeting-rows-details');
      await page.getByRole('button', { name: en.meeting.stop }).click();
      expect(app.pageErrors).toEqual([]);
    });
  },
);
