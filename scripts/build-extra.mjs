// Build steps beyond tsc: the CLI's executable bit. (The renderer and preload bundles join here.)
import { chmodSync } from 'node:fs';

chmodSync('dist/cli/index.js', 0o755);
