// The end-to-end tests use the same real-Redis helpers as @iics-jobs/callback-express's own tests.
export {
  describeWithKillableRedis,
  describeWithRedis,
  freePort,
  HOW_TO_ENABLE,
  pathWithoutRedis,
  redisAvailability,
  stopProcess,
  type RedisServer as Redis,
} from '../../packages/callback-express/test/helpers/redis.js';
