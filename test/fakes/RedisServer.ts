// The tests' redis-server is the benchmark's (bench/ may not import test/); one copy, imported from here.
export { freePort, RedisServer } from '../../bench/RedisServer.js';
