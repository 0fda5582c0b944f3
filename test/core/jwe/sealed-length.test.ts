/** sealedLength: the length of a sealed blob, known without deriving a key. */
import { describe, expect, it } from 'vitest';
import { sealedLength, seal } from '../../../src/core/jwe/index.js';

describe('sealedLength', () => {
  it('is the length seal gives, for every remainder of the payload length mod 3, both encs and a short salt', async () => {
    for (const [n, enc, saltBytes] of [
      [0, 'A128GCM', 16],
      [1, 'A128GCM', 16],
      [2, 'A256GCM', 16],
      [3, 'A128GCM', 4],
      [2500, 'A256GCM', 16],
      [2501, 'A128GCM', 5],
    ] as const) {
      const payload = 'é'.repeat(n).slice(0, n) + 'x'.repeat(n % 2);
      const blob = await seal('add', payload, 's', { enc, saltBytes });
      expect(sealedLength('add', payload, { enc, saltBytes })).toBe(blob.length);
    }
  });

  it('takes bytes as well as text: a 100-byte populate blob with the default salt is 330 characters (154 + 2 + 16 + 1 + 134 + 1 + 22)', async () => {
    const payload = new Uint8Array(100).fill(0x61);
    expect(sealedLength('populate', payload)).toBe((await seal('populate', payload, 's')).length);
    expect(sealedLength('populate', payload)).toBe(330);
  });
});
