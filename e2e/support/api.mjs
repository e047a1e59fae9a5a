// Calls to the server's JSON API from the test process (not the browser).

export async function login(serverUrl, { email, password }) {
  const response = await fetch(`${serverUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  return response.headers.get('set-cookie').split(';')[0];
}

export async function call(serverUrl, cookie, method, path, body) {
  const response = await fetch(`${serverUrl}${path}`, {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Creates an agent through the API; returns their credentials. */
export async function createAgent(serverUrl, managerCookie, name) {
  const agent = { email: `${name.toLowerCase()}@example.com`, name, password: 'agent-password', role: 'agent' };
  const created = await call(serverUrl, managerCookie, 'POST', '/api/agents', agent);
  if (created.status !== 201) throw new Error(`agent ${name}: ${created.status}`);
  return { email: agent.email, password: agent.password };
}
