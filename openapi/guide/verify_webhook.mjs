import { createHmac, timingSafeEqual } from 'node:crypto';

// True when `body` (a Buffer, exactly as received) and its headers were signed with `secret`.
export function verify(secret, headers, body, tolerance = 300) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > tolerance) return false; // a replay
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  return headers['webhook-signature'].split(' ').some((signature) => {
    if (!signature.startsWith('v1,')) return false;
    const given = Buffer.from(signature.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
// ---- not part of the guide: the API tests run this file on real deliveries ----

import { readFileSync } from 'node:fs';
import { argv } from 'node:process';

if (argv[2]) {
  const delivery = JSON.parse(readFileSync(argv[2], 'utf8'));
  console.log(verify(delivery.secret, delivery.headers, Buffer.from(delivery.body, 'utf8')) ? 'ok' : 'refused');
}
