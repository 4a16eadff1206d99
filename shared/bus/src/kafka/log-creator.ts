import kafkajs, { type logCreator } from 'kafkajs';
import type { BusLogger } from '../types';

const { logLevel } = kafkajs;

/** Forwards kafkajs's warnings and errors to the service logger; kafkajs's own info chatter is dropped. */
export function kafkajsLogCreator(logger: BusLogger | undefined): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      if (!logger || level > logLevel.WARN) return;
      const { message, timestamp: _timestamp, ...fields } = log;
      const entry = { kafkajs: namespace, ...fields };
      if (level === logLevel.ERROR) logger.error(entry, `kafkajs: ${message}`);
      else logger.warn(entry, `kafkajs: ${message}`);
    };
}
