// Starts the real `handover-server` (the build the native tests compiled,
// with the release web app embedded) on a free port with a fresh database,
// from a temporary working directory (which also proves that the binary
// needs nothing beside it). The database is SQLite, or, when
// HANDOVER_E2E_POSTGRES names a Postgres server, a new database there
// (the test command drops them after the run).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
 * The database of the installation in `folder`: made on first use, the
 * same one when the installation starts again.
 */
function databaseUrl(folder) {
  const server = process.env.HANDOVER_E2E_POSTGRES;
  if (!server) return `sqlite://${join(folder, 'data', 'handover.db')}`;
  const remembered = join(folder, 'postgres-database-url');
  if (existsSync(remembered)) return readFileSync(remembered, 'utf8');
  const name = `handover_e2e_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  execFileSync('psql', [server, '-q', '-c', `CREATE DATABASE ${name}`]);
  const url = new URL(server);
  url.pathname = `/${name}`;
  writeFileSync(remembered, url.toString());
  return url.toString();
}

/**
 * `args` are extra server flags, e.g. `['--demo']`; `output` collects
 * stdout lines. A `folder` and `port` from an earlier server start the
 * same installation again (a restart).
 */
export async function startServer({ args = [], folder = mkdtempSync(join(tmpdir(), 'handover-e2e-')), port = 0 } = {}) {
  const binary = process.env.HANDOVER_SERVER_BIN;
  if (!binary) throw new Error('HANDOVER_SERVER_BIN is not set; run these tests with `cargo xtask test`');
  const databaseUrlOfFolder = databaseUrl(folder);
  const child = spawn(binary, args, {
    cwd: folder,
    env: {
      ...process.env,
      HANDOVER_BIND: `127.0.0.1:${port}`,
      HANDOVER_DATABASE_URL: databaseUrlOfFolder,
      HANDOVER_MEDIA_DIR: join(folder, 'data', 'media'),
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
