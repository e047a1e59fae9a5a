// Sends WhatsApp Cloud API webhooks to the server, signed with the app
// secret exactly as Meta signs them.
import { createHmac } from 'node:crypto';

export const APP_SECRET = 'e2e-app-secret';

function envelope(value) {
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: '102290129340398',
      changes: [{
        field: 'messages',
        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value },
      }],
    }],
  };
}

let sequence = 0;

/** A customer's text message, `secondsAgo` before now. */
export function textMessage(waId, name, body, secondsAgo = 0) {
  sequence += 1;
  const timestamp = String(Math.floor(Date.now() / 1000) - secondsAgo);
  return envelope({
    contacts: [{ profile: { name }, wa_id: waId }],
    messages: [{ from: waId, id: `wamid.e2e.${Date.now()}.${sequence}`, timestamp, type: 'text', text: { body } }],
  });
}

/** Many texts from one customer in one delivery, a second apart, the last `secondsAgo` before now. */
export function manyMessages(waId, name, bodies, secondsAgo = 0) {
  const now = Math.floor(Date.now() / 1000) - secondsAgo;
  return envelope({
    contacts: [{ profile: { name }, wa_id: waId }],
    messages: bodies.map((body, n) => {
      sequence += 1;
      return {
        from: waId, id: `wamid.e2e.${Date.now()}.${sequence}`,
        timestamp: String(now - bodies.length + n + 1), type: 'text', text: { body },
      };
    }),
  });
}

/** A customer's text message with a given id, so it can be edited or deleted later. */
export function textWithId(waId, name, wamid, body) {
  return envelope({
    contacts: [{ profile: { name }, wa_id: waId }],
    messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } }],
  });
}

/** A customer's message of any type: `content` is e.g. `{ type: 'image', image: { id } }`. */
export function customerMessage(waId, name, content) {
  sequence += 1;
  return envelope({
    contacts: [{ profile: { name }, wa_id: waId }],
    messages: [{ from: waId, id: `wamid.e2e.${Date.now()}.${sequence}`, timestamp: String(Math.floor(Date.now() / 1000)), ...content }],
  });
}

/** WhatsApp's notice that a customer edited (`body` given) or deleted their message `original`. */
export function changedMessage(waId, original, body) {
  sequence += 1;
  const common = { from: waId, id: `wamid.e2e.notice.${Date.now()}.${sequence}`, timestamp: String(Math.floor(Date.now() / 1000)) };
  const message = body === undefined
    ? { ...common, type: 'revoke', revoke: { original_message_id: original } }
    : { ...common, type: 'edit', edit: { original_message_id: original, message: { type: 'text', text: { body } } } };
  return envelope({ contacts: [{ profile: { name: '' }, wa_id: waId }], messages: [message] });
}

export async function deliver(serverUrl, body) {
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
  const response = await fetch(`${serverUrl}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body: raw,
  });
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
}

/** A customer writes; the webhook is acknowledged once committed. */
export function customerWrites(serverUrl, waId, name, body, secondsAgo = 0) {
  return deliver(serverUrl, textMessage(waId, name, body, secondsAgo));
}

/** WhatsApp's callback that our message `wamid` failed with error `code`. */
export function failedStatus(wamid, recipient, code, title) {
  return envelope({
    statuses: [{
      id: wamid, status: 'failed', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient,
      errors: [{ code, title, error_data: { details: title } }],
    }],
  });
}
