// No vscode import: the Buckets and Gold views use it, the unit tests check it.
import { EtlError } from '../../core/errors';
import type { ResolvedProfile } from '../../core/profiles';
import { S3ProblemError, classifyS3Error } from '../../core/s3/errors';

/**
 * An S3 failure said for the active profile. A local MinIO's errors stay as they are ("start the stack"); an
 * external S3 is not ours to start: the message names the profile and the endpoint, the hint says what to check
 * (the profile's endpoint, the network, the key) and never offers Start Stack.
 */
export function explainForProfile(error: EtlError, profile: ResolvedProfile): EtlError {
  const { s3 } = profile;
  if (s3.mode !== 'external') return error;
  const where = `S3 of profile "${profile.name}" at ${s3.endpoint}`;
  const setKeys = `set ${keyVariables(profile)} (ETL: Set Profile Secret, VS Code's environment, or .env)`;
  const code = /\(([A-Za-z_]+)\)$/.exec(error.message)?.[1];
  const because = code ? ` (${code})` : '';
  const kind = classifyS3Error(error);
  switch (kind) {
    case 'unreachable':
      return new S3ProblemError(`${where} does not answer${because}`,
        `it is external, nothing here starts it: check s3.endpoint in ${profile.file}, your network (VPN, proxy, `
          + 'firewall), or switch profile (ETL: Switch Profile)', 'unreachable');
    case 'credentials':
      return new S3ProblemError(`${where} refused the key${because}`,
        `${setKeys}; check that this key may list ${s3.buckets.rawzone} and ${s3.buckets.gold}`, 'credentials');
    case 'tls':
    case 'other':
      return error.message.includes(s3.endpoint) ? error : new S3ProblemError(`${where}: ${error.message}`,
        error.hint, kind);
  }
}

/** The error s3Client throws when the profile's key variables are unset, with SecretStorage named as a source. */
export function missingKeyError(profile: ResolvedProfile, problem: string): EtlError {
  return new S3ProblemError(problem, `set ${keyVariables(profile)}: ETL: Set Profile Secret (VS Code SecretStorage), `
    + 'VS Code\'s environment, or .env', 'credentials');
}

/** The variables the profile names for its S3 key, as a user reads them ("A and B"). */
function keyVariables({ s3 }: ResolvedProfile): string {
  return [s3.accessKeyEnv, s3.secretKeyEnv].filter(Boolean).join(' and ');
}
