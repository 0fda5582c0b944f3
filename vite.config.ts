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

/**
 * The page loads as a browser loads a file:// page, with no privileges beyond (the packaged app's
 * `grantFileProtocolExtraPrivileges` fuse is off): a module script or a `crossorigin` stylesheet is a CORS
 * request, which a file:// page cannot make. So the bundle is one classic script, run deferred (after the
 * body is parsed, as a module script would), and neither tag asks for CORS.
 */
function classicScripts(): Plugin {
  return {
    name: 'e2ee-classic-scripts',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        const out = html
          .replace(/<script type="module" crossorigin src=/g, '<script defer src=')
          .replace(/<link rel="stylesheet" crossorigin href=/g, '<link rel="stylesheet" href=');
        if (/type="module"|crossorigin/.test(out)) {
          throw new Error('the built index.html still asks for a module script or a CORS request');
        }
        return out;
      },
    },
  };
}

// The renderer: built to dist/renderer with relative URLs, so Electron can load it from disk.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [contentSecurityPolicy(), classicScripts(), react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    modulePreload: false,
    rollupOptions: { output: { format: 'iife' } },
  },
});
