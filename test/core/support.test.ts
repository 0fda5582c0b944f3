import { describe, expect, it } from 'vitest';
import { compareRelease, modelSupport, releaseNumbers, softwareSupported } from '../../src/core/support.js';

describe('modelSupport', () => {
  it.each([
    ['Cisco Room Kit', 'supported', 'Room Kit'],
    ['Cisco Room Kit Mini', 'supported', 'Room Kit Mini'],
    ['Cisco Desk Pro', 'supported', 'Desk Pro'],
    ['Cisco Desk', 'supported', 'Desk'],
    ['Cisco Webex Board', 'supported', 'Board'],
    ['Cisco TelePresence MX300 G2', 'unsupported', 'MX series'],
    ['Cisco TelePresence DX80', 'unsupported', 'DX series'],
    ['Cisco TelePresence EX90', 'unsupported', 'EX series'],
    ['Cisco Codec C90', 'unsupported', 'C series'],
  ])('%s is %s (%s)', (productId, capability, family) => {
    expect(modelSupport(productId)).toEqual({ capability, family });
  });

  it('calls a RoomOS product outside both lists unlisted', () => {
    expect(modelSupport('Cisco Room Bar Pro')).toEqual({ capability: 'unlisted' });
  });
});

describe('software', () => {
  // The strings real devices print (shared/reference/real-devices.md: RKM, PD, JSX, ACA).
  it.each([
    ['ce11.19.1.7.3055d561c16', [11, 19, 1, 7]],
    ['RoomOS 11.19.1.7 3055d561c16', [11, 19, 1, 7]],
    ['RoomOS 11.23.1.8 3963b07b5c5', [11, 23, 1, 8]],
    ['11.23.1.8.3963b07b5c5', [11, 23, 1, 8]],
    ['ce10.19.4.2.9d0ad1a4b71', [10, 19, 4, 2]],
    ['ce9.15.18.5.a6e2b8bf6f4', [9, 15, 18, 5]],
    ['ce 9.2.2 3a892a1 2017-11-30', [9, 2, 2]],
    ['ce8.1.0 PreAlpha1 (TEST SW, ce-8.0.0-alpha3-7128-g16c75fd)', [8, 1, 0]],
    ['TC7.3.3.c84180a', [7, 3, 3]],
    // A build hash that starts with digits is not a fifth part of the release.
    ['ce11.14.2.3.12345abcdef', [11, 14, 2, 3]],
  ])('reads the release of %s', (v, n) => {
    expect(releaseNumbers(v)).toEqual(n);
  });

  it('reads no release where there is none', () => {
    expect(releaseNumbers('garbage')).toBeUndefined();
    expect(releaseNumbers('')).toBeUndefined();
    expect(releaseNumbers('RoomOS')).toBeUndefined();
  });

  it('compares releases part by part', () => {
    expect(compareRelease([10, 6, 1], [10, 6, 1, 0])).toBe(0);
    expect(compareRelease([10, 5, 9, 9], [10, 6, 1])).toBe(-1);
    expect(compareRelease([10, 10, 0], [10, 6, 1])).toBe(1);
  });

  it.each([
    // RoomOS 10 and 11 keep the ce prefix: the release number decides, never the prefix.
    ['ce11.19.1.7.3055d561c16', true, 'RoomOS', '11.19.1.7'],
    ['ce11.14.2.3.3a5d8d1c6a2', true, 'RoomOS', '11.14.2.3'],
    ['ce10.6.1.0.1a2b3c4d5e6', true, 'RoomOS', '10.6.1.0'],
    ['RoomOS 10.6.1.0 1a2b3c4d5e6', true, 'RoomOS', '10.6.1.0'],
    ['11.23.1.8.3963b07b5c5', true, 'RoomOS', '11.23.1.8'],
    ['ce10.5.1.0.1a2b3c4d5e6', false, 'RoomOS', '10.5.1.0'],
    ['RoomOS 10.5.1.0 1a2b3c4d5e6', false, 'RoomOS', '10.5.1.0'],
    ['ce9.15.18.5.a6e2b8bf6f4', false, 'CE', '9.15.18.5'],
    ['TC7.3.3.c84180a', false, 'TC', '7.3.3'],
  ])('%s supported: %s (%s %s)', (v, ok, family, releaseText) => {
    expect(softwareSupported(v)).toMatchObject({ supported: ok, family, releaseText });
  });

  it('falls back to the display name, and says "unknown" rather than guess', () => {
    expect(softwareSupported('', 'RoomOS 11.19.1.7 3055d561c16')).toMatchObject({
      supported: true,
      releaseText: '11.19.1.7',
    });
    expect(softwareSupported('garbage', '')).toEqual({ supported: undefined });
  });
});
