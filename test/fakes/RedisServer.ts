// The tests' redis-server is the benchmark's (bench/ may not import test/); one copy, imported from here.
export { RedisServer } from '../../bench/RedisServer.js';
