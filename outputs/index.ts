// outputs/: what the daemon imports.
export type { Alert, OutputFieldValue, PriorityName } from './alert.js';
export { DeliveryError, type Channel } from './channel.js';
export * from './format/index.js';
export * from './pipeline/index.js';
export * from './channels/index.js';
export { readDeliveryConfig, readChannelSettings, DEFAULT_CHANNEL_QUEUE, type ChannelConfig, type DeliveryConfig, type HttpSettings } from './delivery-config.js';
export { createDelivery, type Delivery, type DeliveryDeps } from './delivery.js';
