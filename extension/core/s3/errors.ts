import { EtlError } from '../errors';

/** Turns the minio client's errors into what a user can act on: unreachable, refused credentials, or as is. */
export function explainS3Error(error: unknown, endpoint: string): EtlError {
  if (error instanceof EtlError) return error;
  const e = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND'].includes(code)) {
    return new EtlError(
      `cannot reach MinIO at ${endpoint} (${code})`,
      'start the stack (ETL: Start Stack / `etl up`) or fix MINIO_API_PORT in .env',
    );
  }
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied'].includes(code)) {
    return new EtlError(
      `MinIO at ${endpoint} refused the credentials (${code})`,
      'set the right access key and secret (ETL: Set Credentials, or MINIO_ACCESS_KEY/MINIO_SECRET_KEY in .env; ' +
        '`etl up` creates that user)',
    );
  }
  return new EtlError(`MinIO at ${endpoint}: ${e.message ?? String(error)}`);
}

export type S3Problem = 'unreachable' | 'credentials' | 'other';

export function classifyS3Error(error: EtlError): S3Problem {
  if (error.message.startsWith('cannot reach MinIO')) return 'unreachable';
  if (error.message.includes('refused the credentials')) return 'credentials';
  return 'other';
}
