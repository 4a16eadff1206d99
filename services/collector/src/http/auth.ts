import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Accepts a request that carries one of the configured bearer tokens (compared in constant time) or a client
 * certificate verified against the configured CA (the kube-apiserver audit webhook can use either).
 */
export function makeAuthenticator(tokens: string[]): preHandlerAsyncHookHandler {
  const digests = tokens.map(digest);
  return async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const socket = req.raw.socket as Partial<TLSSocket>;
    if (socket.authorized === true && socket.getPeerCertificate?.()?.subject) return;
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (m?.[1]) {
      const d = digest(m[1].trim());
      if (digests.some((x) => timingSafeEqual(x, d))) return;
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'the bearer token is not valid' });
      return;
    }
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'unauthorized', message: 'a bearer token (Authorization: Bearer <token>) or a client certificate is required' });
  };
}
