// A fake WhatsApp Cloud API on loopback for browser tests: it holds
// customers' files (`GET /{version}/{media-id}` gives the address, that
// address gives the bytes, both with the bearer token), takes uploads
// (`POST /{version}/{phone}/media`) and messages, and records every call.
import { once } from 'node:events';
import { createServer } from 'node:http';

export const TOKEN = 'e2e-wa-token';
export const PHONE_NUMBER_ID = '106540352242922';

/** Starts the fake; `files` maps media ids to `{ bytes, mimeType }`. */
export async function startCloudApi(files = {}) {
  const calls = [];
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const { pathname, searchParams } = new URL(request.url, 'http://fake');
    calls.push({ method: request.method, path: pathname, contentType: request.headers['content-type'] ?? '', body });
    const json = (status, value) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: { message: 'Invalid OAuth access token', code: 190 } });
    const parts = pathname.split('/').filter(Boolean);
    if (request.method === 'POST' && parts[2] === 'messages') {
      const sent = JSON.parse(body.toString());
      return json(200, { messaging_product: 'whatsapp', contacts: [{ input: sent.to, wa_id: sent.to }], messages: [{ id: `wamid.e2e.${calls.length}` }] });
    }
    if (request.method === 'POST' && parts[2] === 'media') {
      return json(200, { id: `media.up.${calls.length}` });
    }
    if (request.method === 'GET' && parts.length === 2) {
      const file = files[parts[1]];
      if (!file) return json(404, { error: { message: 'Unsupported get request.', code: 100 } });
      if (searchParams.has('download')) {
        response.writeHead(200, { 'content-type': file.mimeType });
        return response.end(file.bytes);
      }
      const { port } = server.address();
      return json(200, {
        messaging_product: 'whatsapp',
        url: `http://127.0.0.1:${port}${pathname}?download=1`,
        mime_type: file.mimeType,
        file_size: file.bytes.length,
        id: parts[1],
      });
    }
    return json(404, { error: { message: `No route ${request.method} ${pathname}` } });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}/v21.0`;
  return {
    base,
    calls,
    /** The server flags that point Handover at this fake. */
    serverArgs: ['--wa-base-url', base, '--wa-token', TOKEN, '--wa-phone-number-id', PHONE_NUMBER_ID],
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
