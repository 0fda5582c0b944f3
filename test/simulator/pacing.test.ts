/**
 * The simulator's device delays (`bench` runs with them): a serial line paced at baud / 10 bytes per
 * second each way, a latency per command, and the stats that add up what the device did.
 */
import { describe, expect, it } from 'vitest';
import { seal } from '../../src/core/jwe/index.js';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { closeAfterEach } from '../helpers/closing.js';
import { type RawClient, echoOff } from './client.js';

const ANSWER = '*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n';
const LINE = 'xStatus SystemUnit ProductId\r';

const closing = closeAfterEach();

async function device(options: SimulatorOptions): Promise<{ s: RoomOsSimulator; c: RawClient }> {
  const s = closing(await createSimulator({ loginRequired: false, rebootDelayMs: 30, ...options }));
  return { s, c: await echoOff(s) };
}

/** Asks LINE and sees ANSWER; the stats before it, and how long the answer took. */
async function asked(
  s: RoomOsSimulator,
  c: RawClient,
): Promise<{ before: RoomOsSimulator['stats']; ms: number }> {
  const before = s.stats;
  const t0 = performance.now();
  c.send(LINE);
  expect(await c.until('OK\r\n')).toBe(ANSWER);
  return { before, ms: performance.now() - t0 };
}

describe('simulator device delays', () => {
  it('a 9600-baud line carries 960 bytes a second each way: an answer takes the wire time of both', async () => {
    const { s, c } = await device({ baudRate: 9600 });
    const { before, ms } = await asked(s, c);
    const bytes = LINE.length + ANSWER.length;
    expect(s.stats.bytesIn - before.bytesIn).toBe(LINE.length);
    expect(s.stats.bytesOut - before.bytesOut).toBe(ANSWER.length);
    expect(s.stats.echoBytes - before.echoBytes).toBe(0);
    // Never faster than the line (timer slack aside). How much slower is not asserted: a loaded machine
    // makes it slower by any amount; the bytes counted above are the test, the speed is the bench's.
    expect(ms).toBeGreaterThanOrEqual((bytes / 960) * 1000 - 2);
  });

  it('the paced line keeps the order of what was sent, in pieces of any size', async () => {
    const { c } = await device({ baudRate: 115_200 });
    for (const ch of LINE) c.send(ch);
    c.send(LINE);
    expect(await c.until('OK\r\n')).toBe(ANSWER);
    expect(await c.until('OK\r\n')).toBe(ANSWER);
  });

  it('command latency: each command line answers after it, and the stats count it', async () => {
    const { s, c } = await device({ commandLatencyMs: 120 });
    const { before, ms } = await asked(s, c);
    expect(ms).toBeGreaterThanOrEqual(119);
    expect(s.stats.commands - before.commands).toBe(1);
    expect(s.stats.delayMs - before.delayMs).toBe(120);
  });

  it('counts the blobs the device opened and the reboots, with their delay', async () => {
    const { s, c } = await device({ rebootDelayMs: 40 });
    c.send(
      `xCommand Security ClientSecret Populate Secret: ${Buffer.from('first secret').toString('base64url')}\r`,
    );
    await c.until('OK\r\n');
    expect(s.stats.blobsOpened).toBe(0);
    c.send(
      `xCommand Security ClientSecret Populate Secret: ${await seal('populate', 'next one', 'first secret')}\r`,
    );
    await c.until('OK\r\n');
    expect(s.stats.blobsOpened).toBe(1);
    expect(s.stats.reboots).toBe(0);
    c.send('xCommand SystemUnit Boot Action: Restart\r');
    await c.closed();
    await s.whenUp();
    expect(s.stats).toMatchObject({ blobsOpened: 1, reboots: 1, delayMs: 40 });
  });

  it('refuses a baud rate below 1 and a negative latency', async () => {
    await expect(createSimulator({ baudRate: 0 })).rejects.toMatchObject({ code: 'ERR_SIM_OPTIONS' });
    await expect(createSimulator({ commandLatencyMs: -1 })).rejects.toMatchObject({
      code: 'ERR_SIM_OPTIONS',
    });
  });
});
