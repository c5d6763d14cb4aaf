// Sorts SNS failures into the pipeline's two kinds. Throttling, 5xx and network failures are
// transient (retrying later helps); other 4xx replies (no such topic, access denied, invalid
// parameter) are permanent and carry AWS's reason.
import { DeliveryError } from '../channel.js';
import { SNS_KEY } from './config.js';

const THROTTLING_CODES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'Throttled', 'TooManyRequestsException',
  'RequestThrottled', 'RequestThrottledException', 'RequestLimitExceeded', 'SlowDown', 'KMSThrottling',
  'KMSThrottlingException', 'ProvisionedThroughputExceededException', 'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set([
  'InternalError', 'InternalFailure', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException',
  'TimeoutError', 'CredentialsProviderError',
]);

export function isTransientCode(code: string): boolean {
  return THROTTLING_CODES.has(code) || TRANSIENT_CODES.has(code);
}

interface AwsFailure {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function classifySnsError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const err: AwsFailure = typeof error === 'object' && error !== null ? (error as AwsFailure) : { message: String(error) };
  const name = typeof err.name === 'string' ? err.name : 'Error';
  const message = typeof err.message === 'string' ? err.message : String(error);
  const status = err.$metadata?.httpStatusCode;
  const reason = `${SNS_KEY}: ${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${message}`;
  const transient =
    isTransientCode(name) ||
    (typeof err.code === 'string' && isTransientCode(err.code)) ||
    err.$retryable !== undefined ||
    err.$fault === 'server' ||
    status === undefined || // no reply at all: refused, reset, timed out
    status === 429 ||
    status >= 500;
  return new DeliveryError(reason, { permanent: !transient, cause: error });
}
