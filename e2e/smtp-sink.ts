// A real SMTP server on loopback for the browser tests: the portal's mailer (lettre, over plain
// SMTP) delivers to it as to any mail server, and each message it accepts is written as an .eml
// file for the tests to read (they run in other processes). It speaks the part of RFC 5321 a
// client needs: greeting, EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

/** Starts a sink writing to `dir`; resolves to its port. */
export function startSmtpSink(dir: string): Promise<{ port: number; server: Server }> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let recipients: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 e2e-sink ESMTP ready');
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const body = buffer.slice(0, end + 2).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          inData = false;
          count += 1;
          const name = `${String(Date.now()).padStart(15, '0')}-${String(count).padStart(6, '0')}.eml`;
          writeFileSync(join(dir, name), `X-Sink-Recipients: ${recipients.join(', ')}\r\n${body}`, 'latin1');
          recipients = [];
          reply('250 2.0.0 accepted');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          reply('250-e2e-sink');
          reply('250-8BITMIME');
          reply('250 SMTPUTF8');
        } else if (verb === 'HELO') reply('250 e2e-sink');
        else if (verb === 'MAIL') {
          recipients = [];
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          recipients.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET') {
          recipients = [];
          reply('250 2.0.0 ok');
        } else if (verb === 'NOOP') reply('250 2.0.0 ok');
        else if (verb === 'QUIT') {
          reply('221 2.0.0 bye');
          socket.end();
          return;
        } else reply('502 5.5.2 not implemented');
      }
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((ok, fail) => {
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      const address = server.address();
      ok({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}
