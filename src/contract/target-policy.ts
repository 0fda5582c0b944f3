/**
 * The target policy: which device targets the window may give. The window never names a file; the CLI,
 * run by the person, may (src/main/device/target.ts).
 */
import { ContractError } from './errors.js';

/** The simulator options the window may give: none of them names a file. */
const RENDERER_SIM_OPTIONS = [
  'model',
  'software',
  'serial',
  'name',
  'login',
  'registered',
  'meeting',
  'sessiontype',
  'meetingshape',
  'meetingwords',
];

/**
 * A device target as the window may give it. The window never names a file: `sim:?state=PATH` would
 * let it read a file (its start came back in an error) or create one that later holds a client secret
 * in clear, so a `sim:` target takes only options that name no file (main keeps the training device's
 * state itself), and a `serial:` target names a device node (`/dev/…`, `COMn`), never another file.
 * The CLI, run by the person, still takes `sim:?state=` (src/main/device/target.ts).
 */
export function checkRendererTarget(target: string, channel: string): string {
  const t = target.trim();
  const refuse = (why: string): ContractError =>
    new ContractError(
      `${channel}: ${why}. Use serial:/dev/ttyACM0, ssh://admin@host, or sim: (with model, software, serial, name or login).`,
      'ERR_DEVICE_TARGET',
    );
  const q = t.indexOf('?');
  const head = q < 0 ? t : t.slice(0, q);
  if (/^sim:/i.test(t)) {
    const query = new URLSearchParams(q < 0 ? '' : t.slice(q + 1));
    for (const key of query.keys()) {
      if (!RENDERER_SIM_OPTIONS.includes(key))
        throw refuse(
          `the window may not give the simulator option ${JSON.stringify(key)} (it may name a file)`,
        );
    }
  } else if (/^serial:/i.test(t)) {
    const path = head.slice('serial:'.length).replace(/^\/\/(?=\/)/, '');
    const device =
      (/^\/dev\/[A-Za-z0-9._+-]+(\/[A-Za-z0-9._+-]+)*$/.test(path) && !/(^|\/)\.\.?(\/|$)/.test(path)) ||
      /^(\\\\\.\\)?COM\d{1,3}$/i.test(path);
    if (!device) throw refuse('a serial port is a device under /dev (or COMn on Windows), not another file');
  }
  return target;
}
