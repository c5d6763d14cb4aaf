export { OutputPipeline, type DrainReport, type PipelineChannel, type PipelineOptions } from './pipeline.js';
export { ChannelWorker, DROP_REASONS, falcoOutputName, type ChannelCounters, type ChannelSettings, type DropReason } from './channel-worker.js';
export { TokenBucket, type RateLimit } from './token-bucket.js';
export { BoundedQueue } from './bounded-queue.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.js';
export type { OutputLog, LogLevel } from './log.js';
export { outputMetricsText } from './metrics.js';
