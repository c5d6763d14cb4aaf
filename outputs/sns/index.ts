// The SNS channel's public face: the config reader and the channel.
export { SnsChannel, type SnsChannelOptions } from './channel.js';
export { readSnsConfig, SNS_KEY, type SnsConfig, type SnsFormat } from './config.js';
export { deduplicationId, messageAttributes, messageGroupId } from './message.js';
