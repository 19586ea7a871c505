import type { ServerResponse } from 'node:http';

/** Writes a complete JSON answer (Binance sends `application/json` for data and errors alike). */
export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): number {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(body);
  return status;
}
