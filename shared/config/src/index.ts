export { envSchema, type Env } from './env';
export { loadEnv, ConfigError } from './load';
