// The `email_output` config block, read from the untyped config tree (every scalar is text, as
// yaml-cpp sees it) into a checked EmailConfig. Errors name the offending key so a user can fix
// `-o email_output.port=abc` without reading the source.
import { ConfigError, type ConfigNode } from '../../host/config/tree.js';
import { openEnabledBlock } from '../config-block.js';
import { toBool, toInteger, toStringList } from '../../host/config/scalars.js';
import { parsePriority, type PriorityName } from '../../host/rules/index.js';
import { checkTemplate, DIGEST_PLACEHOLDERS, SINGLE_PLACEHOLDERS } from './template.js';

export const EMAIL_KEY = 'email_output';

export type EmailTls = 'none' | 'starttls' | 'implicit';
export type EmailAuth = 'auto' | 'plain' | 'login' | 'none';

export interface EmailTemplates {
  subject: string;
  body: string;
  digestSubject: string;
  digestBody: string;
}

export interface EmailConfig {
  host: string;
  port: number;
  tls: EmailTls;
  /** Accept any server certificate (test servers only). */
  insecure: boolean;
  /** PEM file with the CA (or self-signed certificate) that signs the server's certificate. */
  caCert?: string;
  auth: EmailAuth;
  user?: string;
  password?: string;
  from: string;
  to: string[];
  cc: string[];
  minPriority: PriorityName;
  /** 0 = one message per alert; otherwise one digest message per window of this many seconds. */
  digestSeconds: number;
  /** Alerts listed one by one in a digest; the per-rule counts always cover every alert. */
  digestMaxAlerts: number;
  /** Connection, greeting and socket timeout. */
  timeoutMs: number;
  templates: EmailTemplates;
}

export const DEFAULT_EMAIL_TEMPLATES: EmailTemplates = {
  subject: '[{priority}] {rule}: {output}',
  body: '{time} {priority} {rule}\n{output}\n\nHost: {hostname}\nSource: {source}\nTags: {tags}\n\n{fields}',
  digestSubject: '[{max_priority}] {count} alerts on {hostname}: {rules}',
  digestBody:
    '{count} alerts on {hostname} between {start} and {end}.\n\n{rule_counts}\n\n{alerts}',
};

const TLS_VALUES: readonly EmailTls[] = ['none', 'starttls', 'implicit'];
const AUTH_VALUES: readonly EmailAuth[] = ['auto', 'plain', 'login', 'none'];
const DEFAULT_PORTS: Record<EmailTls, number> = { none: 25, starttls: 587, implicit: 465 };

/** Splits `a@x, b@y` and list items alike, so `-o email_output.to=a@x,b@y` gives two addresses. */
export function splitAddresses(node: ConfigNode | undefined, key: string): string[] {
  if (node === undefined || node === null) return [];
  const items = toStringList(node);
  if (items === undefined) throw new ConfigError(`${key}: expected an address, a comma-separated list of addresses or a list`);
  const out: string[] = [];
  for (const item of items) {
    for (const part of item.split(',')) {
      const address = part.trim();
      if (address === '') continue;
      if (!/^[^@\s<>]+@[^@\s<>]+$/.test(address) && !/<[^@\s<>]+@[^@\s<>]+>\s*$/.test(address)) {
        throw new ConfigError(`${key}: '${address}' is not an e-mail address`);
      }
      out.push(address);
    }
  }
  return out;
}

/**
 * Reads `email_output`. Returns undefined when the block is absent or `enabled` is false (a
 * disabled channel is not checked further, like Falco's other outputs).
 */
export function readEmailConfig(node: ConfigNode | undefined, env: NodeJS.ProcessEnv = process.env): EmailConfig | undefined {
  const block = openEnabledBlock(node, EMAIL_KEY);
  if (block === undefined) return undefined;
  const { key, text } = block;

  const host = text('host');
  if (host === undefined || host === '') throw new ConfigError(`${key('host')}: required when ${key('enabled')} is true`);

  const tlsText = text('tls') ?? 'starttls';
  const tls = TLS_VALUES.find((t) => t === tlsText.toLowerCase());
  if (tls === undefined) throw new ConfigError(`${key('tls')}: '${tlsText}' is not one of ${TLS_VALUES.join(', ')}`);

  const portText = text('port');
  let port = DEFAULT_PORTS[tls];
  if (portText !== undefined) {
    const p = toInteger(portText, { min: 1, max: 65535 });
    if (p === undefined) throw new ConfigError(`${key('port')}: '${portText}' is not a port number (1-65535)`);
    port = p;
  }

  const insecureText = text('insecure');
  const insecure = insecureText === undefined ? false : toBool(insecureText);
  if (insecure === undefined) throw new ConfigError(`${key('insecure')}: expected true or false`);

  const user = text('user');
  let password = text('password');
  const passwordEnv = text('password_env');
  if (passwordEnv !== undefined) {
    if (password !== undefined) throw new ConfigError(`${key('password')} and ${key('password_env')} are both set; keep one`);
    password = env[passwordEnv];
    if (password === undefined) throw new ConfigError(`${key('password_env')}: environment variable '${passwordEnv}' is not set`);
  }

  const authText = text('auth');
  let auth: EmailAuth;
  if (authText === undefined) {
    auth = user === undefined || user === '' ? 'none' : 'auto';
  } else {
    const a = AUTH_VALUES.find((v) => v === authText.toLowerCase());
    if (a === undefined) throw new ConfigError(`${key('auth')}: '${authText}' is not one of ${AUTH_VALUES.join(', ')}`);
    auth = a;
  }
  if (auth !== 'none') {
    if (user === undefined || user === '') throw new ConfigError(`${key('user')}: required when ${key('auth')} is ${auth}`);
    if (password === undefined) throw new ConfigError(`${key('password')}: required when ${key('user')} is set (or use ${key('password_env')})`);
  }

  const fromList = splitAddresses(block.node['from'], key('from'));
  if (fromList.length !== 1) throw new ConfigError(`${key('from')}: exactly one sender address is required`);
  const to = splitAddresses(block.node['to'], key('to'));
  if (to.length === 0) throw new ConfigError(`${key('to')}: at least one recipient is required`);
  const cc = splitAddresses(block.node['cc'], key('cc'));

  const minText = text('min_priority') ?? 'debug';
  const minPriority = parsePriority(minText);
  if (minPriority === undefined) {
    throw new ConfigError(`${key('min_priority')}: '${minText}' is not one of emergency, alert, critical, error, warning, notice, informational, debug`);
  }

  const digestSeconds = readCount(text('digest_seconds'), key('digest_seconds'), 0, 86400, 0);
  const digestMaxAlerts = readCount(text('digest_max_alerts'), key('digest_max_alerts'), 0, 100000, 50);
  const timeoutMs = readCount(text('timeout_ms'), key('timeout_ms'), 1, 600000, 10000);

  const templates: EmailTemplates = {
    subject: text('subject') ?? DEFAULT_EMAIL_TEMPLATES.subject,
    body: text('body') ?? DEFAULT_EMAIL_TEMPLATES.body,
    digestSubject: text('digest_subject') ?? DEFAULT_EMAIL_TEMPLATES.digestSubject,
    digestBody: text('digest_body') ?? DEFAULT_EMAIL_TEMPLATES.digestBody,
  };
  checkTemplateKey(templates.subject, key('subject'), SINGLE_PLACEHOLDERS);
  checkTemplateKey(templates.body, key('body'), SINGLE_PLACEHOLDERS);
  checkTemplateKey(templates.digestSubject, key('digest_subject'), DIGEST_PLACEHOLDERS);
  checkTemplateKey(templates.digestBody, key('digest_body'), DIGEST_PLACEHOLDERS);

  const config: EmailConfig = {
    host, port, tls, insecure, auth, from: fromList[0]!, to, cc, minPriority, digestSeconds, digestMaxAlerts, timeoutMs, templates,
  };
  const caCert = text('ca_cert');
  if (caCert !== undefined && caCert !== '') config.caCert = caCert;
  if (user !== undefined && user !== '') config.user = user;
  if (password !== undefined) config.password = password;
  return config;
}

function readCount(value: string | undefined, key: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = toInteger(value, { min, max });
  if (n === undefined) throw new ConfigError(`${key}: '${value}' is not a whole number between ${min} and ${max}`);
  return n;
}

function checkTemplateKey(template: string, key: string, allowed: readonly string[]): void {
  const problem = checkTemplate(template, allowed);
  if (problem !== undefined) throw new ConfigError(`${key}: ${problem}`);
}
