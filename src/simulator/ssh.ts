import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import { SimulatorError } from './errors.js';
import type { PtyHost } from './pty.js';
import { Session } from './session.js';

/** A fresh ed25519 host key in OpenSSH format. */
export function generateHostKey(): string {
  // ssh2 now and then writes an ed25519 key its own parser refuses ("Malformed OpenSSH private key"):
  // only a key that parses is used.
  for (let i = 0; ; i++) {
    const key = ssh2.utils.generateKeyPairSync('ed25519').private;
    if (!(ssh2.utils.parseKey(key) instanceof Error) || i >= 20) return key;
  }
}

/** `SHA256:<base64>` of the host key's public blob, as `ssh` prints it. */
export function hostKeyFingerprint(privateKey: string): string {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error('internal: no host key');
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The SSH console on 127.0.0.1: user `admin`, password or keyboard-interactive. A shell channel is a
 * TShell session (the banner, then commands); without a PTY request lines end in LF, with one in CRLF.
 * While the device is down the port does not listen (connection refused), as on a rebooting device.
 */
export class SshServer {
  private readonly server: InstanceType<typeof ssh2.Server>;
  private readonly connections = new Set<Connection>();
  private readonly offPower: () => void;
  port = 0;
  private listening = false;
  private stopped = false;

  constructor(
    private readonly host: PtyHost,
    hostKey: string,
    private readonly bindHost: string,
  ) {
    this.server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => this.onClient(client));
    this.server.on('error', () => {});
    this.offPower = host.onPower((phase) => {
      if (phase === 'down') this.pause();
      else void this.listen(this.port).catch(() => {});
    });
  }

  async listen(port: number): Promise<void> {
    if (this.listening || this.stopped || !this.host.isUp()) return;
    await new Promise<void>((ok, fail) => {
      const onError = (e: Error): void =>
        fail(
          new SimulatorError(
            'ERR_SIM_SSH_LISTEN',
            `Cannot listen on ${this.bindHost}:${port}: ${e.message}`,
            { port },
          ),
        );
      this.server.once('error', onError);
      this.server.listen(port, this.bindHost, () => {
        this.server.off('error', onError);
        ok();
      });
    });
    this.listening = true;
    this.port = (this.server.address() as AddressInfo).port;
    this.host.events.emit({ type: 'transport', transport: 'ssh', action: 'listening', port: this.port });
  }

  private pause(): void {
    for (const c of this.connections) c.end();
    this.connections.clear();
    if (this.listening) {
      this.listening = false;
      this.server.close();
    }
  }

  private onClient(client: Connection): void {
    this.connections.add(client);
    client.on('error', () => {});
    client.on('close', () => this.connections.delete(client));
    client.on('authentication', (ctx) => {
      const check = (password: string): boolean => {
        const ok = this.host.device.loginAllowed(ctx.username, password) && this.host.isUp();
        this.host.events.emit({
          type: 'login',
          session: 0,
          user: ctx.username === 'admin' ? 'admin' : '?',
          ok,
          transport: 'ssh',
        });
        return ok;
      };
      if (ctx.method === 'password') {
        if (check(ctx.password)) ctx.accept();
        else ctx.reject(['password', 'keyboard-interactive']);
      } else if (ctx.method === 'keyboard-interactive') {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          if (check(answers[0] ?? '')) ctx.accept();
          else ctx.reject(['password', 'keyboard-interactive']);
        });
      } else {
        ctx.reject(['password', 'keyboard-interactive']);
      }
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const sess = accept();
        let pty = false;
        sess.on('pty', (ok) => {
          pty = true;
          ok?.();
        });
        sess.on('window-change', (ok) => ok?.());
        sess.on('env', (ok) => ok?.());
        sess.on('exec', (_ok, reject) => reject?.());
        sess.on('shell', (ok) => {
          const channel: ServerChannel = ok();
          const session = new Session(
            this.host,
            'ssh',
            'ssh',
            {
              write: (data) => {
                if (channel.writable) channel.write(data);
              },
              close: () => {
                channel.end();
                client.end();
              },
            },
            pty ? '\r\n' : '\n',
          );
          this.host.track(session);
          channel.on('data', (d: Buffer) => session.input(d));
          channel.on('close', () => session.ended());
          channel.on('error', () => {});
          session.start();
        });
      });
    });
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.offPower();
    this.pause();
    this.host.events.emit({ type: 'transport', transport: 'ssh', action: 'closed', port: this.port });
  }
}
