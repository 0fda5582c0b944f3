import { describe, expect, it } from 'vitest';
import { dataDir } from '../../../src/main/vault/index.js';

describe('dataDir', () => {
  it('E2EE_PROV_HOME wins everywhere', () => {
    expect(dataDir({ E2EE_PROV_HOME: '/tmp/x' }, 'linux', '/home/a')).toBe('/tmp/x');
    expect(dataDir({ E2EE_PROV_HOME: 'C:\\x' }, 'win32', 'C:\\Users\\a')).toBe('C:\\x');
  });
  it('Linux: $XDG_DATA_HOME (absolute) or ~/.local/share', () => {
    expect(dataDir({ XDG_DATA_HOME: '/d' }, 'linux', '/home/a')).toBe('/d/e2ee-provisioner');
    expect(dataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/a')).toBe(
      '/home/a/.local/share/e2ee-provisioner',
    );
    expect(dataDir({}, 'linux', '/home/a')).toBe('/home/a/.local/share/e2ee-provisioner');
  });
  it('macOS and Windows', () => {
    expect(dataDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/e2ee-provisioner');
    expect(dataDir({ APPDATA: '/appdata' }, 'win32', '/home/a')).toMatch(/appdata.e2ee-provisioner$/);
  });
});
