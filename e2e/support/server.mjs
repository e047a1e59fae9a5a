// Starts the real `handover-server` (the build the native tests compiled,
// with the release web app embedded) on a free port with a fresh database,
// from a temporary working directory (which also proves that the binary
// needs nothing beside it).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const STARTUP_TIMEOUT_MS = 20_000;
export const MANAGER = { email: 'meera@example.com', password: 'manager-password' };

/** A TCP port nobody listens on right now. */
export async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/**
 * `args` are extra server flags, e.g. `['--demo']`; `output` collects
 * stdout lines. A `folder` and `port` from an earlier server start the
 * same installation again (a restart).
 */
export async function startServer({ args = [], folder = mkdtempSync(join(tmpdir(), 'handover-e2e-')), port = 0 } = {}) {
  const binary = process.env.HANDOVER_SERVER_BIN;
  if (!binary) throw new Error('HANDOVER_SERVER_BIN is not set; run these tests with `cargo xtask test`');
  const databasePath = join(folder, 'data', 'handover.db');
  const child = spawn(binary, args, {
    cwd: folder,
    env: {
      ...process.env,
      HANDOVER_BIND: `127.0.0.1:${port}`,
      HANDOVER_DATABASE_URL: `sqlite://${databasePath}`,
      HANDOVER_ADMIN_EMAIL: MANAGER.email,
      HANDOVER_ADMIN_PASSWORD: MANAGER.password,
      HANDOVER_APP_SECRET: 'e2e-app-secret',
      HANDOVER_VERIFY_TOKEN: 'e2e-verify-token',
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const output = [];
  child.stderr.on('data', (chunk) => { stderr += chunk; });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${stderr}`)), STARTUP_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const match = /Handover is running at (\S+)/.exec(line);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${stderr}`)); });
  });

  return {
    url,
    folder,
    databasePath,
    output,
    /** Asks the server to stop (SIGTERM) and waits until it has; returns its exit code. */
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code;
    },
  };
}
