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
  it.each([
    ['11.23.1.8.3963b07b5c5', [11, 23, 1, 8]],
    ['RoomOS 11.23.1.8 3963b07b5c5', [11, 23, 1, 8]],
    ['ce9.15.18.5.a6e2b8bf6f4', [9, 15, 18, 5]],
    ['RoomOS 10.6.1.0 1a2b3c4d5e6', [10, 6, 1, 0]],
  ])('reads the release of %s', (v, n) => {
    expect(releaseNumbers(v)).toEqual(n);
  });

  it('compares releases part by part', () => {
    expect(compareRelease([10, 6, 1], [10, 6, 1, 0])).toBe(0);
    expect(compareRelease([10, 5, 9, 9], [10, 6, 1])).toBe(-1);
    expect(compareRelease([10, 10, 0], [10, 6, 1])).toBe(1);
  });

  it.each([
    ['RoomOS 10.6.1.0 1a2b3c4d5e6', true],
    ['11.23.1.8.3963b07b5c5', true],
    ['RoomOS 10.5.1.0 1a2b3c4d5e6', false],
    ['ce9.15.18.5.a6e2b8bf6f4', false],
    ['garbage', false],
  ])('%s supported: %s', (v, ok) => {
    expect(softwareSupported(v).supported).toBe(ok);
  });
});
