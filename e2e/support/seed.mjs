// Puts users straight into a running server's SQLite database, for tests of
// what the dashboard shows before the webhook exists to create them.
// Python's built-in sqlite3 module does the writing (node 20 has none).
import { execFileSync } from 'node:child_process';

const SCRIPT = `
import json, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=5)
now = int(time.time() * 1000)
windows = {"open": now + 12 * 3600 * 1000, "expired": now - 3600 * 1000, "never": 0}
with db:
    for user in json.loads(sys.argv[2]):
        db.execute(
            "INSERT INTO users (wa_id, name, status, window_expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
            (user["wa_id"], user.get("name", ""), user["status"], windows[user["window"]], now),
        )
`;

/** users: [{ wa_id, status, window: 'open' | 'expired' | 'never', name? }] */
export function insertUsers(databasePath, users) {
  execFileSync('python3', ['-c', SCRIPT, databasePath, JSON.stringify(users)], { stdio: 'inherit' });
}
