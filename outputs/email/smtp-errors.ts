// Sorts nodemailer's failures into the pipeline's two kinds: a 5xx reply (bad recipient, wrong
// password, message refused) will be refused again, so it is permanent; connection problems, time
// outs and 4xx replies ("try again later") are transient and worth a retry.
import { DeliveryError } from '../channel.js';

/** Certificate problems do not heal by retrying; they need a config change (ca_cert, insecure). */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface SmtpFailure {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  cause?: unknown;
}

function certificateCode(err: SmtpFailure): string | undefined {
  for (const c of [err.code, err.originalCode, (err.cause as SmtpFailure | undefined)?.code]) {
    if (typeof c === 'string' && CERTIFICATE_CODES.has(c)) return c;
  }
  const m = typeof err.message === 'string' ? /\b(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate|unable to verify the first certificate|certificate has expired|Hostname\/IP does not match)/i.exec(err.message) : null;
  return m?.[1];
}

export function classifySmtpError(error: unknown, channel: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const err: SmtpFailure = typeof error === 'object' && error !== null ? (error as SmtpFailure) : { message: String(error) };
  const message = typeof err.message === 'string' ? err.message : String(error);
  const command = typeof err.command === 'string' ? ` (${err.command})` : '';
  const reason = `${channel}: ${message}${command}`;
  const code = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  if (code !== undefined) {
    // 503 "bad sequence" is a session-state problem; a fresh connection can succeed.
    const permanent = code >= 500 && code < 600 && code !== 503;
    return new DeliveryError(reason, { permanent, cause: error });
  }
  if (certificateCode(err) !== undefined) return new DeliveryError(`${reason}; set ${channel}.ca_cert to trust this certificate`, { permanent: true, cause: error });
  // Client-side refusals without a server reply: missing credentials, an unusable address.
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH' || err.code === 'EENVELOPE' || err.code === 'ECONFIG') {
    return new DeliveryError(reason, { permanent: true, cause: error });
  }
  return new DeliveryError(reason, { permanent: false, cause: error });
}
