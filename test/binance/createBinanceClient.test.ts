import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { BinanceError } from '../../src/binance/errors.js';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { printed, rejection, startHarness } from './harness.js';

const ED_KEY = 'EDxKEYxFORxTESTSxONLYx000000000000000000000000000000000000000000';
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function pemPair(type: 'ed25519' | 'rsa') {
  const { privateKey, publicKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('createBinanceClient', () => {
  it.each(['ed25519', 'rsa'] as const)('signs with an %s key read from BINANCE_PRIVATE_KEY_PATH', async (type) => {
    const { privateKeyPem, publicKeyPem } = pemPair(type);
    const dir = mkdtempSync(join(tmpdir(), 'forcewatch-key-'));
    dirs.push(dir);
    const privateKeyPath = join(dir, 'key.pem');
    writeFileSync(privateKeyPath, privateKeyPem);
    const { sim, client } = await startHarness({
      sim: { accounts: [{ apiKey: ED_KEY, publicKeyPem }] },
      client: { apiKey: ED_KEY, apiSecret: undefined, privateKeyPath },
    });
    const order = sim.addOrder({ time: 100, updateTime: 100 });
    const orders = await client.forceOrders('cm', { startTime: 0, endTime: 1000 });
    expect(orders.map((o) => o.orderId)).toEqual([order.orderId]);
    expect(sim.requests.at(-1)?.status).toBe(200);
  });

  it('refuses an Ed25519 signature made with the wrong key (-1022), naming the key path', async () => {
    const registered = pemPair('ed25519');
    const other = pemPair('ed25519');
    const { client } = await startHarness({
      sim: { accounts: [{ apiKey: ED_KEY, publicKeyPem: registered.publicKeyPem }] },
      client: { apiKey: ED_KEY, apiSecret: undefined, privateKeyPem: other.privateKeyPem },
    });
    const error = await rejection(client.forceOrders('cm', {}));
    expect(BinanceError.isApiError(error) && error.code).toBe(-1022);
    expect(error.message).toContain('BINANCE_PRIVATE_KEY_PATH');
    expect(printed(error)).not.toContain('PRIVATE KEY');
  });

  it('wants exactly one of secret and private key, and a readable key file', () => {
    const { privateKeyPem } = pemPair('ed25519');
    expect(() => createBinanceClient({ apiKey: SIM_API_KEY })).toThrow(/exactly one of BINANCE_API_SECRET/);
    expect(() => createBinanceClient({ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, privateKeyPem })).toThrow(/exactly one/);
    expect(() => createBinanceClient({ apiKey: SIM_API_KEY, privateKeyPath: '/nonexistent/key.pem' })).toThrow(
      /BINANCE_PRIVATE_KEY_PATH cannot be read \(ENOENT\)/,
    );
    expect(() => createBinanceClient({ apiKey: '', apiSecret: SIM_API_SECRET })).toThrow(/BINANCE_API_KEY is empty/);
    expect(() => createBinanceClient({ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, recvWindow: 60_001 })).toThrow(/recvWindow/);
  });

  it('never prints the secret or a signature in its debug logs', async () => {
    const { sim, client, lines } = await startHarness({ client: { maxAttempts: 2 } });
    sim.injectFault({ type: 'drop', path: '/papi' });
    sim.injectFault({ type: 'html', path: '/papi' });
    await client.sync();
    await rejection(client.forceOrders('cm', {}));
    expect(lines.length).toBeGreaterThan(0);
    const signatures = sim.requests.map((r) => r.params.signature).filter((s): s is string => Boolean(s));
    expect(signatures.length).toBe(2);
    for (const line of lines) {
      expect(line).not.toContain(SIM_API_SECRET);
      for (const signature of signatures) expect(line).not.toContain(signature);
    }
  });
});
