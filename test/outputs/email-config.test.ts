import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigMap } from '../../host/config/tree.js';
import { DEFAULT_EMAIL_TEMPLATES, readEmailConfig } from '../../outputs/email/index.js';

const base: ConfigMap = { enabled: 'true', host: 'mail.example.com', from: 'saker@example.com', to: 'ops@example.com' };

function errorOf(node: ConfigMap, env: NodeJS.ProcessEnv = {}): string {
  try {
    readEmailConfig(node, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('email_output config', () => {
  it('is off when absent or disabled, without checking the rest', () => {
    expect(readEmailConfig(undefined)).toBeUndefined();
    expect(readEmailConfig({ enabled: 'false', port: 'not a port' })).toBeUndefined();
    expect(readEmailConfig({ port: '25' })).toBeUndefined();
  });

  it('fills defaults: STARTTLS on 587, no auth without a user, every priority, no digest', () => {
    const c = readEmailConfig(base)!;
    expect(c).toMatchObject({
      host: 'mail.example.com', port: 587, tls: 'starttls', auth: 'none', insecure: false,
      from: 'saker@example.com', to: ['ops@example.com'], cc: [], minPriority: 'Debug', digestSeconds: 0,
      digestMaxAlerts: 50, timeoutMs: 10000,
    });
    expect(c.templates).toEqual(DEFAULT_EMAIL_TEMPLATES);
    expect(readEmailConfig({ ...base, tls: 'implicit' })!.port).toBe(465);
    expect(readEmailConfig({ ...base, tls: 'none' })!.port).toBe(25);
    expect(readEmailConfig({ ...base, tls: 'none', port: '2525' })!.port).toBe(2525);
  });

  it('splits comma-separated recipients (-o email_output.to=a@x,b@y) and lists alike', () => {
    expect(readEmailConfig({ ...base, to: 'a@x.org,b@y.org' })!.to).toEqual(['a@x.org', 'b@y.org']);
    expect(readEmailConfig({ ...base, to: ['a@x.org', ' b@y.org , c@z.org'] })!.to).toEqual(['a@x.org', 'b@y.org', 'c@z.org']);
    expect(readEmailConfig({ ...base, cc: 'Sec Team <sec@x.org>' })!.cc).toEqual(['Sec Team <sec@x.org>']);
  });

  it('reads auth, the password from password_env, min_priority and digest keys', () => {
    const c = readEmailConfig(
      { ...base, user: 'saker', password_env: 'SMTP_PW', auth: 'LOGIN', min_priority: 'warning', digest_seconds: '60', digest_max_alerts: '5' },
      { SMTP_PW: 's3cret' },
    )!;
    expect(c).toMatchObject({ user: 'saker', password: 's3cret', auth: 'login', minPriority: 'Warning', digestSeconds: 60, digestMaxAlerts: 5 });
    expect(readEmailConfig({ ...base, user: 'saker', password: 'pw' })!.auth).toBe('auto');
  });

  it('names the key in every error', () => {
    expect(errorOf({ ...base, host: null })).toBe('email_output.host: required when email_output.enabled is true');
    expect(errorOf({ ...base, enabled: 'maybe' })).toBe('email_output.enabled: expected true or false');
    expect(errorOf({ ...base, port: '70000' })).toBe("email_output.port: '70000' is not a port number (1-65535)");
    expect(errorOf({ ...base, tls: 'ssl' })).toBe("email_output.tls: 'ssl' is not one of none, starttls, implicit");
    expect(errorOf({ ...base, auth: 'cram' })).toBe("email_output.auth: 'cram' is not one of auto, plain, login, none");
    expect(errorOf({ ...base, auth: 'plain' })).toBe('email_output.user: required when email_output.auth is plain');
    expect(errorOf({ ...base, user: 'u' })).toBe('email_output.password: required when email_output.user is set (or use email_output.password_env)');
    expect(errorOf({ ...base, user: 'u', password: 'p', password_env: 'X' })).toBe('email_output.password and email_output.password_env are both set; keep one');
    expect(errorOf({ ...base, user: 'u', password_env: 'NOPE' })).toBe("email_output.password_env: environment variable 'NOPE' is not set");
    expect(errorOf({ ...base, to: null })).toBe('email_output.to: at least one recipient is required');
    expect(errorOf({ ...base, to: 'ops' })).toBe("email_output.to: 'ops' is not an e-mail address");
    expect(errorOf({ ...base, from: 'a@x.org,b@x.org' })).toBe('email_output.from: exactly one sender address is required');
    expect(errorOf({ ...base, min_priority: 'loud' })).toBe(
      "email_output.min_priority: 'loud' is not one of emergency, alert, critical, error, warning, notice, informational, debug",
    );
    expect(errorOf({ ...base, digest_seconds: '-1' })).toBe("email_output.digest_seconds: '-1' is not a whole number between 0 and 86400");
    expect(errorOf({ ...base, subject: '{rule} {count}' })).toMatch(/^email_output\.subject: unknown placeholder \{count\}; known placeholders: \{rule\}/);
    expect(errorOf({ ...base, digest_body: '{rules' })).toBe("email_output.digest_body: unclosed '{' at offset 0 (write '{{' for a literal brace)");
    expect(errorOf({ ...base, to: { a: 'b' } })).toBe('email_output.to: expected an address, a comma-separated list of addresses or a list');
  });
});
