// Benchmarks that print a table. The numbers are ratios against a baseline measured side by side in
// the same run (interleaved rounds), since these machines are shared and absolute times drift.
// Usage: npm run bench [-- --rounds N]
import scryptJs from 'scrypt-js';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { deriveKey, open, seal } from '../dist/core/jwe/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const salt = Buffer.from('e5e6530803f833f6', 'hex');
const secret = 'ossifrage';

const cases = {
  'scrypt-js async (baseline)': () => scryptJs.scrypt(Buffer.from(secret), salt, 32768, 8, 1, 16),
  'scrypt-js sync': async () => scryptJs.syncScrypt(Buffer.from(secret), salt, 32768, 8, 1, 16),
  'deriveKey (node:crypto, thread pool)': () => deriveKey(secret, salt, 'A128GCM'),
  'seal add, 1 KiB payload': () => seal('add', 'x'.repeat(1024), secret),
  'seal+open populate': async () => open(await seal('populate', 'next', secret), secret),
  '2 x deriveKey concurrently': () =>
    Promise.all([deriveKey(secret, salt, 'A128GCM'), deriveKey(secret, salt, 'A256GCM')]),
};

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const fn of Object.values(cases)) await fn(); // warm up
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(cases)) {
    const t0 = performance.now();
    await fn();
    samples[name].push(performance.now() - t0);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples['scrypt-js async (baseline)']);
const rows = Object.entries(samples).map(([name, xs]) => [
  name,
  median(xs).toFixed(1),
  (median(xs) / base).toFixed(2),
]);
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`cisco-kdf v1 (N=32768, r=8, p=1), median of ${rounds} interleaved rounds`);
console.log(`${'case'.padEnd(w)}  ${'ms'.padStart(8)}  ${'x baseline'.padStart(10)}`);
for (const [name, ms, ratio] of rows)
  console.log(`${name.padEnd(w)}  ${ms.padStart(8)}  ${ratio.padStart(10)}`);
