/**
 * The import rules of eslint.config.js (docs/architecture.md's map): a planted file that breaks each one
 * is refused with the rule's message, the same import in a room where it is allowed passes, and the real
 * tree passes them all.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
/** Only the layer rules: the other rules are `npm run lint`'s business. */
const LAYER_RULES = new Set([
  'no-restricted-imports',
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-syntax',
]);
const eslint = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => LAYER_RULES.has(ruleId) });

/** The messages of the layer rules for `code` as if it were the file at `path` (nothing is written). */
async function refusals(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

/** A file at `path` that imports `name` from `spec` and uses it. */
const importing = (path: string, spec: string, name = 'x'): Promise<string[]> =>
  refusals(path, `import { ${name} } from '${spec}';\nexport const used = ${name};\n`);

/** The refusal of a layer pattern, as ESLint words it. */
const refused = (spec: string, why: string): string =>
  `@typescript-eslint/no-restricted-imports: '${spec}' import is restricted from being used by a pattern. ${why}`;

/** Expects the file at `at` to be refused each of `rooms` (one level up) with `why`. */
async function expectRoomsRefused(at: string, rooms: string[], why: string): Promise<void> {
  for (const room of rooms) {
    const spec = `../${room}.js`;
    expect(await importing(at, spec), spec).toEqual([refused(spec, why)]);
  }
}

const RENDERER =
  'The renderer imports the contract only: re-export what it needs from core through src/contract.';
const PRELOAD = 'The renderer takes only types from the preload (the API comes from window.provisioner).';
const NO_SIM =
  'main/device and the workflows never import the simulator: take a SimulatorLike (src/main/open.ts starts one).';

describe('the import rules', () => {
  it('the renderer reaches core, main, the simulator and the CLI only through the contract', async () => {
    const at = 'src/renderer/views/wizard/Planted.tsx';
    for (const spec of [
      '../../../core/inert.js',
      '../../../main/device/index.js',
      '../../../simulator/index.js',
      '../../../cli/main.js',
    ])
      expect(await importing(at, spec), spec).toEqual([refused(spec, RENDERER)]);
    expect(await importing('src/renderer/Planted.ts', '../core/xapi/meeting.js')).toEqual([
      refused('../core/xapi/meeting.js', RENDERER),
    ]);
    expect(await importing('src/renderer/Planted.ts', 'node:fs')).toEqual([
      refused('node:fs', 'The renderer runs in the window: no Node built-ins.'),
    ]);
    expect(await importing(at, '../../../contract/index.js', 'inert')).toEqual([]);
  });

  it('the renderer takes types, not code, from the preload', async () => {
    const at = 'src/renderer/Planted.ts';
    expect(await importing(at, '../preload/index.js')).toEqual([refused('../preload/index.js', PRELOAD)]);
    expect(
      await refusals(
        at,
        "import type { ProvisionerApi } from '../preload/index.js';\nexport type X = ProvisionerApi;\n",
      ),
    ).toEqual([]);
  });

  it('the contract builds on core alone', async () => {
    const at = 'src/contract/planted.ts';
    await expectRoomsRefused(
      at,
      ['main/services', 'simulator/index', 'cli/main', 'renderer/api', 'preload/index'],
      'The contract imports core only.',
    );
    expect(await importing(at, 'node:fs')).toEqual([
      refused('node:fs', 'The contract runs in the window too: no Node built-ins.'),
    ]);
    expect(await importing(at, '../core/inert.js', 'inert')).toEqual([]);
  });

  it('main/device and the workflows never import the simulator, statically or at run time', async () => {
    const spec = '../../simulator/index.js';
    for (const at of ['src/main/device/planted.ts', 'src/main/workflows/planted.ts']) {
      expect(await importing(at, spec, 'createSimulator'), at).toEqual([refused(spec, NO_SIM)]);
      expect(
        await refusals(
          at,
          `import type { RoomOsSimulator } from '${spec}';\nexport type X = RoomOsSimulator;\n`,
        ),
        at,
      ).toEqual([refused(spec, NO_SIM)]);
      expect(await refusals(at, `export const x = () => import('${spec}');\n`), at).toEqual([
        `no-restricted-syntax: ${NO_SIM}`,
      ]);
    }
    // The composition root may.
    expect(
      await refusals('src/main/planted.ts', "export const x = () => import('../simulator/index.js');\n"),
    ).toEqual([]);
  });

  it('main/cloud builds on core and the vault, with types only from the device layer and the workflows', async () => {
    const at = 'src/main/cloud/planted.ts';
    const CLOUD = 'main/cloud imports core and main/vault only (types from main/device and main/workflows).';
    for (const spec of [
      '../../simulator/index.js',
      '../../cli/main.js',
      '../../renderer/api.js',
      '../app/device-session.js',
    ])
      expect(await importing(at, spec), spec).toEqual([refused(spec, CLOUD)]);
    expect(await importing(at, '../workflows/device-port.js', 'deviceOps')).toEqual([
      refused('../workflows/device-port.js', CLOUD),
    ]);
    expect(
      await refusals(
        at,
        "import type { WorkflowDevice } from '../workflows/device-port.js';\nexport type X = WorkflowDevice;\n",
      ),
    ).toEqual([]);
    expect(await refusals(at, "export const x = () => import('../../simulator/index.js');\n")).toEqual([
      'no-restricted-syntax: main/cloud never imports the simulator.',
    ]);
    expect(await importing(at, '../vault/secret-store.js', 'openSecretStore')).toEqual([]);
    expect(await importing(at, '../../core/xapi/index.js', 'lit')).toEqual([]);
    // The window never reaches it.
    expect(await importing('src/renderer/Planted.ts', '../main/cloud/index.js')).toEqual([
      refused('../main/cloud/index.js', RENDERER),
    ]);
  });

  it('the simulator imports core only', async () => {
    const at = 'src/simulator/planted.ts';
    await expectRoomsRefused(
      at,
      ['main/device/index', 'cli/main', 'renderer/api', 'contract/index', 'preload/index'],
      'The simulator imports core only.',
    );
    expect(await importing(at, '../core/xapi/index.js', 'lit')).toEqual([]);
  });

  it('core imports nothing of the project outside itself, and no I/O', async () => {
    const at = 'src/core/xapi/planted.ts';
    expect(await importing(at, '../../main/open.js')).toEqual([
      "no-restricted-imports: '../../main/open.js' import is restricted from being used by a pattern. core/ imports nothing of the project outside itself.",
    ]);
    expect(await importing(at, 'node:fs')).toEqual([
      "no-restricted-imports: 'node:fs' import is restricted from being used by a pattern. core/ does no I/O.",
    ]);
  });

  it('only the Electron shell imports electron', async () => {
    expect(await importing('src/main/device/planted.ts', 'electron', 'app')).toEqual([
      "no-restricted-imports: 'electron' import is restricted from being used. Only src/main/index.ts imports electron.",
    ]);
    expect(await importing('src/main/window.ts', 'electron', 'app')).toEqual([]);
  });

  it('the real tree keeps every rule', async () => {
    const results = await eslint.lintFiles(['src']);
    const broken = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    expect(broken).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  });
});
