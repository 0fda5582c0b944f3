// Build steps beyond tsc: the renderer (Vite), the preload bundle (esbuild, CommonJS, as a sandboxed
// preload must be), and the CLI's executable bit.
import { build as esbuild } from 'esbuild';
import { chmodSync } from 'node:fs';
import { build as vite } from 'vite';

chmodSync('dist/cli/index.js', 0o755);

await esbuild({
  entryPoints: ['src/preload/index.ts'],
  outfile: 'dist/preload/index.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});

await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });
