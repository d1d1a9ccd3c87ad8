// Answers written straight to a socket (Node only, host.ts): a request Node could not parse, a refused connection.
import { STATUS_CODES } from 'node:http';
import { GraphFailure, graphErrorBody } from './graph-error.js';

/**
 * A whole HTTP/1.1 response as text, for answers written straight to a socket (a request Node could not parse,
 * a refused connection): Graph's body, the standard reason phrase, the headers of every answer, and `connection: close`.
 */
export function rawGraphResponse(failure: GraphFailure, requestId: string, everyAnswer: Record<string, string> = {}): string {
  const body = JSON.stringify(graphErrorBody(failure, { requestId, clientRequestId: requestId }));
  const headers = {
    ...everyAnswer,
    'content-type': 'application/json',
    'request-id': requestId,
    'client-request-id': requestId,
    ...failure.headers,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status] ?? 'Unknown'}\r\n${lines.join('')}\r\n${body}`;
}
