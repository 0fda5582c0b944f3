// The memory figure's child process (bench/run.ts starts it): the tool alone, from the built code, with
// the simulated devices in processes of their own (`e2ee-prov simulator`), so that its peak RSS is the
// tool's. `idle` loads the same modules and does nothing (the floor); `provision` provisions one device
// over a pseudo-terminal; `batch8` provisions eight over SSH, all at once. Prints `maxRssKiB=N`.
// Usage: node bench/rss-child.mjs idle|provision|batch8 REBOOT_DELAY_MS
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCredentials } from '../dist/core/pki/index.js';
import { MemorySecretStore } from '../dist/main/vault/memory-store.js';
import { issueDeviceCert, makeDemoPki } from '../dist/main/demo/pki.js';
import { MemoryHostKeyStore, connect } from '../dist/main/device/index.js';
import { Journal } from '../dist/main/vault/journal.js';
import { runBatch } from '../dist/main/workflows/batch.js';
import { provision } from '../dist/main/workflows/provision.js';

const [what, rebootDelay = '1500'] = process.argv.slice(2);
const CLI = new URL('../dist/cli/index.js', import.meta.url).pathname;

/** Starts `e2ee-prov simulator` with `args`; resolves with what it prints first and a stop function. */
function simulator(args) {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [CLI, 'simulator', '--reboot-delay', rebootDelay, ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d.toString();
      if (out.includes('\n')) ok({ where: out.trim(), stop: () => stop(p) });
    });
    p.on('error', fail);
    p.on('exit', (code) => fail(new Error(`simulator exited ${code}`)));
  });
}

function stop(p) {
  return new Promise((r) => {
    if (p.exitCode !== null) return r();
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });
}

if (what !== 'idle') {
  const dir = await mkdtemp(join(tmpdir(), 'bench-rss-'));
  const sims = [];
  try {
    const pki = await makeDemoPki('Bench');
    const secrets = new MemorySecretStore();
    const journal = new Journal(join(dir, 'home'));
    if (what === 'provision') {
      const sim = await simulator(['--link', join(dir, 'tty'), '--serial', 'FOCRSS0001', '--baud', '115200']);
      sims.push(sim);
      const c = await issueDeviceCert(pki, { cn: 'rss.bench.example', dns: ['rss.bench.example'] });
      const device = await connect(`serial:${sim.where}`, { hostKeyStore: new MemoryHostKeyStore() });
      const r = await provision(
        { device, secrets, journal },
        {
          credentials: readCredentials({ certPem: c.bundlePem }),
          link: 'serial',
          factoryReset: { confirmed: true },
        },
      );
      await device.close();
      if (!r.ok) throw new Error(`provisioning failed: ${r.error?.code}`);
    } else if (what === 'batch8') {
      const rows = [];
      for (let i = 0; i < 8; i++) {
        const sim = await simulator(['--ssh', '0', '--serial', `FOCRSS${String(i + 10).padStart(4, '0')}`]);
        sims.push(sim);
        const cn = `rss-${i}.bench.example`;
        const c = await issueDeviceCert(pki, { cn, dns: [cn] });
        const cert = join(dir, `cert-${i}.pem`);
        const key = join(dir, `key-${i}.pem`);
        await writeFile(cert, `${c.certificatePem}\n${pki.intermediatePem}`);
        await writeFile(key, c.keyPem);
        rows.push({ line: i + 2, target: `ssh://admin@${sim.where}`, cert, key, factoryReset: true });
      }
      const r = await runBatch(rows, { secrets, journal }, { parallel: 8, allowPlainOverNetwork: true });
      const failed = r.devices.filter((d) => d.error);
      if (failed.length)
        throw new Error(`batch: ${failed.length} failed: ${JSON.stringify(failed[0].error)}`);
    } else {
      throw new Error(`unknown: ${what}`);
    }
  } finally {
    for (const s of sims) await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(`maxRssKiB=${process.resourceUsage().maxRSS}`);
