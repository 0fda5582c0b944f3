import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Whether a system part a test needs is here. In CI (CI=true) a missing part is a failure, never a
 * silent skip: `.ci/run` installs everything. On a developer's machine the test is skipped and says why.
 */
export function systemHas(
  what: 'socat' | 'chromium' | 'jwcrypto' | 'openssl' | 'keyring' | 'ssh-keygen',
): boolean {
  const present = probe(what);
  if (!present && process.env.CI === 'true') {
    throw new Error(`CI needs ${what}, and it is missing: .ci/run should have installed it.`);
  }
  if (!present) console.warn(`[skipped] ${what} is not installed; the tests that need it are skipped.`);
  return present;
}

/** The Debian Python that has python3-jwcrypto (the pyenv python3 on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

function probe(what: string): boolean {
  switch (what) {
    case 'socat':
      return existsSync('/usr/bin/socat');
    case 'chromium':
      return existsSync('/usr/bin/chromium');
    case 'openssl':
      return commandWorks('openssl', ['version']);
    case 'ssh-keygen':
      return commandWorks('ssh-keygen', ['-h']) || existsSync('/usr/bin/ssh-keygen');
    case 'jwcrypto':
      return commandWorks(SYSTEM_PYTHON, ['-c', 'import jwcrypto']);
    case 'keyring':
      return process.env.E2EE_KEYRING_AVAILABLE === '1';
    default:
      return false;
  }
}

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
