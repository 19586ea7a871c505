import { afterEach, describe, expect, it } from 'vitest';
import type { BinanceClient } from '../../src/binance/createBinanceClient.js';
import { silentLogger } from '../../src/ops/logger.js';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import type { StreamOrderEvent, StreamRiskEvent } from '../../src/stream/events.js';
import { UserDataStream } from '../../src/stream/UserDataStream.js';
import { MINUTE_MS } from '../../src/time.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { simulatorClient } from '../fakes/simulatorClient.js';

/**
 * The one test where forcewatch's own stream client meets the simulated stream (the other simulator
 * tests use plain ws and fetch, so the fake is checked against Binance's docs, not against our client).
 */
describe('forcewatch UserDataStream against the simulated PM user data stream', () => {
  let sim: PapiSimulator;
  let binance: BinanceClient;
  let stream: UserDataStream;
  afterEach(async () => {
    await stream.stop();
    await binance.close();
    await sim.close();
  });

  it('gets force orders and risk levels, and re-keys after a keepalive is refused', async () => {
    const clock = new FakeClock();
    sim = await PapiSimulator.start({ clock });
    binance = simulatorClient(sim, { clock });
    stream = new UserDataStream({
      listenKeys: binance.listenKeys(),
      clock,
      logger: silentLogger,
      baseUrl: `${sim.url.replace('http', 'ws')}/pm`,
    });
    const orders: StreamOrderEvent[] = [];
    const risks: StreamRiskEvent[] = [];
    let wake: () => void = () => {};
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise<void>((resolve) => (wake = resolve));
    };
    stream.on('order', (event) => {
      orders.push(event);
      wake();
    });
    stream.on('risk', (event) => {
      risks.push(event);
      wake();
    });
    const opened = new Promise<void>((resolve) => sim.userStream.onActivity((a) => a.type === 'open' && resolve()));
    // start() settles when the stream stops; the simulator's `open` says the client is connected.
    const running = stream.start();
    await opened;

    const order = sim.addOrder({ market: 'cm', symbol: 'BTCUSD_PERP' });
    sim.risk.set({ status: 'REDUCE_ONLY', uniMMR: '1.12' });
    await until(() => orders.length >= 2 && risks.length >= 1);
    expect(orders.map((e) => [e.market, e.order.orderId, e.order.clientOrderId, e.order.status])).toEqual([
      ['CM', order.orderId, order.clientOrderId, 'NEW'],
      ['CM', order.orderId, order.clientOrderId, 'FILLED'],
    ]);
    expect(risks[0]).toMatchObject({ level: 'REDUCE_ONLY', uniMmr: '1.12000000' });

    // The 30-minute keepalive is refused: the key is gone, so the client must take a new one and reconnect.
    sim.userStream.refuseNextKeepalives(1);
    for (let minutes = 3; minutes < 30; minutes += 3) {
      const pong = new Promise<void>((resolve) => sim.userStream.onActivity((a) => a.type === 'pong' && resolve()));
      await clock.advance(3 * MINUTE_MS);
      await pong;
    }
    const retry = new Promise<number>((resolve) => stream.on('state', (c) => c.state === 'reconnecting' && resolve(c.retryInMs ?? 0)));
    await clock.advance(3 * MINUTE_MS);
    const reopened = new Promise<void>((resolve) => sim.userStream.onActivity((a) => a.type === 'open' && resolve()));
    await clock.advance(await retry);
    await reopened;
    const later = sim.addOrder({ market: 'um' });
    await until(() => orders.some((e) => e.order.orderId === later.orderId && e.order.status === 'FILLED'));
    expect(sim.requests.filter((r) => r.path === '/papi/v1/listenKey').map((r) => [r.method, r.status])).toEqual([
      ['POST', 200],
      ['PUT', 400],
      ['POST', 200],
    ]);
    await stream.stop();
    await running;
  });
});
