/**
 * The handover sheet main saves, in plain Node: in the window's language, with the device's facts, for a
 * rotation too, in a window that never provisioned the device (the facts then come from the journal).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/main/vault/memory-store.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { type Services, createServices } from '../../src/main/services.js';
import { plainProvision } from '../helpers/requests.js';

const SERIAL = 'FOCSHEET001';
const CN = 'sheet.example';

describe('the handover sheet', () => {
  let dir: string;
  const store = new MemorySecretStore();
  const opened: string[] = [];
  const saved: string[] = [];
  const windows: Services[] = [];

  /** A window's services: its own state, the same journal, keychain and training devices. */
  function window(): Services {
    const s = createServices({
      version: '1.2.3',
      platform: 'linux',
      dialog: { openFile: async () => opened.shift() ?? null, saveFile: async () => saved.shift() ?? null },
      emit: () => undefined,
      env: { E2EE_PROV_HOME: join(dir, 'home'), E2EE_PROV_KNOWN_HOSTS: join(dir, 'hosts.json') },
      openSecretStore: async () => store,
      listPorts: async () => [],
      simRebootDelayMs: 100,
    });
    windows.push(s);
    return s;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-sheet-'));
  });

  afterAll(async () => {
    for (const w of windows) await w.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('is written in the window’s language, with the device’s facts, after a provisioning and after a rotation', async () => {
    const pki = await makeDemoPki('Sheet');
    const issued = await issueDeviceCert(pki, { cn: CN });
    const cert = join(dir, 'sheet.pem');
    await writeFile(cert, issued.bundlePem);
    const x = new X509Certificate(issued.certificatePem);
    const fingerprint = x.fingerprint.replace(/:/g, '').toLowerCase();

    // A provisioning, in English.
    const first = window().handlers;
    await first['device.connect']({ target: `sim:?serial=${SERIAL}`, password: null });
    opened.push(cert);
    await first['credentials.choose']({ role: 'certificate' });
    expect((await first['credentials.inspect']({ passphrase: null })).ok).toBe(true);
    const run = await first['provision.run'](plainProvision({ registerFirst: false }));
    expect(run.ok).toBe(true);
    const provisioned = join(dir, 'provisioned.txt');
    saved.push(provisioned);
    expect(await first['handover.save']({ serial: SERIAL, withSecret: true })).toEqual({
      name: 'provisioned.txt',
      withSecret: true,
    });
    const english = (await readFile(provisioned, 'utf8')).split('\n');
    expect(english[0]).toBe('Handover sheet: the device’s end-to-end encryption identity');
    expect(english).toContain(`Serial number: ${SERIAL}`);
    expect(english).toContain(`Identity (CN): ${CN}`);
    expect(english).toContain(`Fingerprint: ${fingerprint}`);
    expect(english).toContain(`Client secret: ${(await store.get(SERIAL))!}`);
    await first['device.disconnect']({});

    // Another window, in Korean, that never provisioned the device: a rotation, and its sheet.
    const second = window().handlers;
    await second['app.language']({ lang: 'ko' });
    await second['device.connect']({ target: `sim:?serial=${SERIAL}`, password: null });
    const rotated = await second['secret.rotate']({
      newSecret: { mode: 'generate' },
      currentSecret: null,
      enc: 'A128GCM',
    });
    expect(rotated.generated).toBe(true);
    const fresh = (await store.get(SERIAL))!;
    const withSecret = join(dir, 'rotated-with.txt');
    const without = join(dir, 'rotated-without.txt');
    saved.push(withSecret, without);
    await second['handover.save']({ serial: SERIAL, withSecret: true });
    await second['handover.save']({ serial: SERIAL, withSecret: false });
    const korean = (await readFile(withSecret, 'utf8')).split('\n');
    expect(korean).toEqual([
      '인계서: 장치의 종단 간 암호화 ID',
      '',
      '장치: Cisco Room Kit',
      `일련번호: ${SERIAL}`,
      `ID(CN): ${CN}`,
      `지문: ${fingerprint}`,
      `만료일: ${new Date(x.validTo).toISOString()}`,
      '',
      `클라이언트 비밀: ${fresh}`,
      '',
      '이 인계서를 안전하게 보관하십시오. 이 비밀로 장치를 열 수 있습니다.',
      '',
    ]);
    const plain = await readFile(without, 'utf8');
    expect(plain).toContain(`ID(CN): ${CN}`);
    expect(plain).not.toContain(fresh);
    expect(plain).not.toContain('클라이언트 비밀');
  }, 60_000);
});
