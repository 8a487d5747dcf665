export { type LogFields, Logger, type LoggerOptions, type LogLevel } from './logger.js';
