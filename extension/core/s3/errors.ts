import { S3Error } from 'minio';
import { EtlError } from '../errors';

export type S3Problem = 'unreachable' | 'credentials' | 'tls' | 'other';

/** Node's errno codes of a MinIO that is down, not listening or not resolvable. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN',
]);
/** Node's TLS codes of a certificate the client does not trust (wrong CA, self-signed, expired, other name). */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);
/** S3 error codes of a key MinIO does not know or does not accept. */
const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied']);

/** An S3 failure with its kind, so views branch on `problem`, never on the message text. */
export class S3ProblemError extends EtlError {
  constructor(
    message: string,
    hint: string | undefined,
    readonly problem: S3Problem,
  ) {
    super(message, hint);
    this.name = 'S3ProblemError';
  }
}

/** Turns the minio client's errors into what a user can act on: unreachable, refused credentials, or as is. */
export function explainS3Error(error: unknown, endpoint: string): EtlError {
  if (error instanceof EtlError) return error;
  const kind = s3Problem(error);
  if (kind.problem === 'tls') return tlsError(endpoint, kind.code);
  if (kind.problem === 'unreachable') {
    return new S3ProblemError(`cannot reach MinIO at ${endpoint} (${kind.code})`,
      'start the stack (ETL: Start Stack / `etl up`) or fix MINIO_API_PORT in .env', 'unreachable');
  }
  if (kind.problem === 'credentials') {
    return new S3ProblemError(`MinIO at ${endpoint} refused the credentials (${kind.code})`,
      'set the right access key and secret (ETL: Set Credentials, or MINIO_ACCESS_KEY/MINIO_SECRET_KEY in .env; '
        + '`etl up` creates that user)', 'credentials');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new S3ProblemError(`MinIO at ${endpoint}: ${message}`, undefined, 'other');
}

function tlsError(endpoint: string, code: string): S3ProblemError {
  const expired = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
  const protocol = code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER';
  const hint = expired
    ? 'the server\'s certificate is outside its validity dates: renew it on the server'
    : protocol
      ? 'the endpoint does not speak TLS there: check http/https and the port in the profile\'s s3.endpoint'
      : 'set s3.caFile in the profile (etl-profiles.json) to the PEM of the CA that signed the server\'s '
        + 'certificate, or fix the certificate\'s host name';
  return new S3ProblemError(`S3 at ${endpoint}: TLS certificate not trusted (${code})`, hint, 'tls');
}

export function classifyS3Error(error: unknown): S3Problem {
  return error instanceof S3ProblemError ? error.problem : 'other';
}

/** The kind of a raw client error, from the S3 error code (S3Error) or Node's errno code (a socket error). */
function s3Problem(error: unknown): { problem: S3Problem; code: string } {
  if (error instanceof S3Error && error.code && CREDENTIAL_CODES.has(error.code)) {
    return { problem: 'credentials', code: error.code };
  }
  const code = errnoCode(error);
  if (code && UNREACHABLE_CODES.has(code)) return { problem: 'unreachable', code };
  if (code && TLS_CODES.has(code)) return { problem: 'tls', code };
  return { problem: 'other', code: code ?? '' };
}

/** Node puts the errno on the error, on its `cause`, or (several addresses tried) on AggregateError's errors. */
function errnoCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (e?.cause !== undefined) return errnoCode(e.cause);
  if (Array.isArray(e?.errors) && e.errors.length > 0) return errnoCode(e.errors[0]);
  return undefined;
}
