// An SMTP server on 127.0.0.1 for the Node host's tests (smtp-server, no TLS, no auth): it keeps
// what it accepted, and a test decides how it answers each message: accept it, refuse it with a
// code (452: a daily limit; 554: refused), or take it and break the connection without answering,
// so the client cannot know whether it was accepted.
import { SMTPServer } from 'smtp-server';

export interface SmtpMessage {
  raw: Buffer;
  messageId: string;
  subject: string;
  rcpt: string[];
}

export type SmtpAnswer = 'accept' | 'drop' | { code: number; message: string };

export interface Smtp {
  port: number;
  accepted: SmtpMessage[];
  close(): Promise<void>;
}

export async function startSmtp(answer: (m: SmtpMessage) => SmtpAnswer = () => 'accept'): Promise<Smtp> {
  const accepted: SmtpMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString();
        const m: SmtpMessage = {
          raw,
          messageId: /^Message-ID:\s*(\S+)/im.exec(text)?.[1] ?? '?',
          subject: /^Subject:\s*(.*)$/im.exec(text)?.[1] ?? '',
          rcpt: session.envelope.rcptTo.map((a) => a.address),
        };
        const a = answer(m);
        if (typeof a === 'object') return cb(Object.assign(new Error(a.message), { responseCode: a.code }));
        accepted.push(m);
        if (a === 'drop') {
          for (const c of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) c._socket.destroy();
          return;
        }
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as { port: number }).port,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
