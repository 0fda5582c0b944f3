/** Serial ports as the tool lists them, for the tests of the list and of its labels. */
import type { PortInfo } from '../../src/contract/index.js';

/** A Cisco device's USB console on /dev/ttyACM0 (vendor 05a6, product 0009), with `note`. */
export function ciscoConsolePort(note: string): PortInfo {
  return {
    path: '/dev/ttyACM0',
    manufacturer: 'Cisco',
    serialNumber: 'FOC2345X0AB',
    vendorId: '05a6',
    productId: '0009',
    likelyConsole: true,
    note,
  };
}
