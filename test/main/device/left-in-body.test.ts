/**
 * A run killed inside `Services Add` (between its command line and its body) leaves the serial console
 * collecting a body. The next connection ends that body at once ("."), instead of losing its login
 * lines to it and stalling until a command timeout.
 */
import { describe, expect, it } from 'vitest';
import { type ConsoleSession, connect } from '../../../src/main/device/index.js';
import { usePtyDevice } from '../../helpers/pty.js';
import { systemHas } from '../../helpers/system.js';

describe.runIf(systemHas('socat'))('a console left inside a multi-line command', () => {
  const pty = usePtyDevice('e2ee-left-in-body', { rebootDelayMs: 100 });

  it('is ended at once on connecting; nothing is added; the set-up goes on', async () => {
    const first = await connect(`serial:${pty.link}`, { wakeIntervalMs: 1000 });
    // The process dies right after the command line: no body, no ".", no "bye"; the line stays up.
    const session = (first as unknown as { session: ConsoleSession }).session;
    await session.transport.write(Buffer.from('xCommand Security Certificates Services Add\r'));
    await new Promise((r) => setTimeout(r, 200));
    await session.transport.close();

    const before = pty.sim.events.length;
    // A command timeout longer than the test's own limit: a set-up stalled on the open body would never
    // recover within the test (it fails), whatever the machine's load; no time is asserted.
    const again = await connect(`serial:${pty.link}`, { wakeIntervalMs: 1000, timeoutMs: 10 * 60_000 });
    try {
      expect((await again.identify()).serialNumber).toBe('FOC2345X0AB');
    } finally {
      await again.close();
    }
    // Nothing was added: the device still lists only its own preinstalled certificate.
    expect(pty.sim.state.certificates.map((c) => [c.kind, c.subjectName])).toEqual([
      ['preinstalled', '/CN=TemporaryDefaultCertificate'],
    ]);
    expect(pty.sim.state.certificates.filter((c) => c.kind === 'service')).toEqual([]);
    // The unfinished command was answered with an error (its body was empty), not run with our lines.
    const commands = pty.sim.events.slice(before).filter((e) => e.type === 'command');
    expect(JSON.stringify(commands[0])).toMatch(/Services Add/);
    expect(JSON.stringify(commands[0])).not.toMatch(/echo off|xpreferences|ProductId/);
  });
});
