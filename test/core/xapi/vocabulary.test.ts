/**
 * The shared RoomOS vocabulary (src/core/xapi/vocabulary.ts) says what the published schema says, and the
 * contract, main/device and the simulator use that one list rather than copies of it.
 */
import { describe, expect, it } from 'vitest';
import * as contract from '../../../src/contract/index.js';
import {
  CERTIFICATE_PURPOSES,
  FACTORY_RESET_KEEP_ITEMS,
  FACTORY_RESET_KEEP_MEANS,
  TRAILING_ACTIONS,
  XAPI_PARAMETER_LIMITS,
} from '../../../src/core/xapi/vocabulary.js';
import * as device from '../../../src/main/device/index.js';
import { KEEP_VALUES } from '../../../src/simulator/config.js';
import { PURPOSES } from '../../../src/simulator/device.js';
import { XAPI_11_19_SUBSET } from '../../../src/simulator/schema/xapi-11.19-subset.js';

const param = (command: string, name: string) => {
  const p = XAPI_11_19_SUBSET.commands[command]?.params.find((x) => x.name === name);
  if (!p) throw new Error(`${command} ${name} is not in the schema subset`);
  return p.valuespace;
};

describe('the RoomOS vocabulary', () => {
  it('has the schema value spaces of Keep, TrailingAction and Purpose', () => {
    expect(FACTORY_RESET_KEEP_ITEMS).toEqual(param('SystemUnit FactoryReset', 'Keep').Values);
    expect(TRAILING_ACTIONS).toEqual(param('SystemUnit FactoryReset', 'TrailingAction').Values);
    expect(CERTIFICATE_PURPOSES).toEqual(param('Security Certificates Services Activate', 'Purpose').Values);
    expect(Object.keys(FACTORY_RESET_KEEP_MEANS)).toEqual([...FACTORY_RESET_KEEP_ITEMS]);
  });

  it('has the schema parameter limits', () => {
    expect(XAPI_PARAMETER_LIMITS).toEqual({
      secret: Number(param('Security ClientSecret Populate', 'Secret').MaxLength),
      fingerprintBlob: Number(param('Security Certificates Services Activate', 'Fingerprint').MaxLength),
      deleteFingerprint: Number(param('Security Certificates Services Delete', 'Fingerprint').MaxLength),
      activationCode: Number(param('Webex Registration Start', 'ActivationCode').MaxLength),
      preferredDomain: Number(
        XAPI_11_19_SUBSET.configuration['Conference EndToEndEncryption Identity PreferredDomain']!.valuespace
          .MaxLength,
      ),
    });
    expect(XAPI_PARAMETER_LIMITS).toEqual({
      secret: 1024,
      fingerprintBlob: 1024,
      deleteFingerprint: 128,
      activationCode: 128,
      preferredDomain: 255,
    });
  });

  it('is the one list the contract, main/device and the simulator use', () => {
    expect(contract.FACTORY_RESET_KEEP_ITEMS).toBe(FACTORY_RESET_KEEP_ITEMS);
    expect(device.FACTORY_RESET_KEEP).toBe(FACTORY_RESET_KEEP_ITEMS);
    expect(device.FACTORY_RESET_KEEP_MEANS).toBe(FACTORY_RESET_KEEP_MEANS);
    expect(device.CERTIFICATE_PURPOSES).toBe(CERTIFICATE_PURPOSES);
    expect(KEEP_VALUES).toBe(FACTORY_RESET_KEEP_ITEMS);
    expect(PURPOSES).toBe(CERTIFICATE_PURPOSES);
  });
});
