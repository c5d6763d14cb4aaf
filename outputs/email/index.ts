// The email channel's public face: the config reader and the channel.
export { EmailChannel, type EmailChannelOptions } from './channel.js';
export { DEFAULT_EMAIL_TEMPLATES, EMAIL_KEY, readEmailConfig, type EmailAuth, type EmailConfig, type EmailTemplates, type EmailTls } from './config.js';
export { DIGEST_PLACEHOLDERS, SINGLE_PLACEHOLDERS } from './template.js';
