// How outputs report to Saker's log (host/cli/logger.ts `Logger.log` fits): Falco's log levels.
import type { LogLevel } from '../../host/config/keys.js';

export type { LogLevel };
export type OutputLog = (level: LogLevel, message: string) => void;
