import react from '@vitejs/plugin-react';
import { type Plugin, defineConfig } from 'vite';
import { CSP } from './src/main/shell-policy.js';

/**
 * Writes the renderer's Content-Security-Policy into index.html as the first element of <head>, from
 * the one constant in src/main/shell-policy.ts. Electron loads the page from file://, which has no
 * response headers, so a meta tag is how the policy reaches it; it must precede every script.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'e2ee-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => {
        if (/http-equiv=["']?Content-Security-Policy/i.test(html)) {
          throw new Error('index.html has its own CSP meta tag; the build writes it from shell-policy.ts');
        }
        return {
          html,
          tags: [
            {
              tag: 'meta',
              attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
              injectTo: 'head-prepend',
            },
          ],
        };
      },
    },
  };
}

// The renderer: built to dist/renderer with relative URLs, so Electron can load it from disk.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [contentSecurityPolicy(), react()],
  build: { outDir: '../../dist/renderer', emptyOutDir: true, sourcemap: true },
});
