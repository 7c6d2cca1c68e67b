import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export interface TestCa {
  /** The CA's certificate (PEM), what a profile's s3.caFile names. */
  caFile: string;
  /** A folder MinIO serves TLS from (--certs-dir): public.crt, private.key, CAs/ca.crt. */
  certsDir: string;
}

const openssl = (args: string[], cwd: string) => execa('openssl', args, { cwd, stdin: 'ignore' });

/** A CA for the occasion, valid two days. */
async function makeCa(dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2',
    '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash'], dir);
  return join(dir, 'ca.crt');
}

/**
 * A CA and a server certificate it signed for 127.0.0.1 and localhost, laid out as MinIO's certs folder.
 * Strict enough for Python's default TLS checks (key usages, key identifiers).
 */
export async function makeServerCertificates(dir: string): Promise<TestCa> {
  const caDir = join(dir, 'ca');
  const caFile = await makeCa(caDir, 'ETL test CA');
  const certsDir = join(dir, 'certs');
  mkdirSync(join(certsDir, 'CAs'), { recursive: true });
  writeFileSync(join(caDir, 'server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost', 'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
    'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid,issuer',
  ].join('\n'));
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certsDir, 'private.key'), '-out',
    'server.csr', '-subj', '/CN=127.0.0.1'], caDir);
  await openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out',
    join(certsDir, 'public.crt'), '-days', '2', '-extfile', 'server.ext'], caDir);
  await openssl(['x509', '-in', 'ca.crt', '-out', join(certsDir, 'CAs', 'ca.crt')], caDir);
  return { caFile, certsDir };
}

/** Another CA, which signed nothing the server presents: a profile naming it must fail clearly. */
export const makeOtherCa = (dir: string) => makeCa(dir, 'Some other CA');

/** A CA and a server certificate for 127.0.0.1 whose validity ENDED in 2020 (`openssl ca` takes past dates). */
export async function makeExpiredServerCertificate(
  dir: string,
): Promise<{ caFile: string; cert: string; key: string }> {
  const caFile = await makeCa(dir, 'Expired test CA');
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = test', '[test]', 'dir = .', 'database = index.txt', 'new_certs_dir = .', 'serial = serial',
    'default_md = sha256', 'policy = any', 'certificate = ca.crt', 'private_key = ca.key', 'copy_extensions = copy',
    '[any]', 'commonName = supplied',
  ].join('\n'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], dir);
  await openssl(['ca', '-batch', '-config', 'ca.cnf', '-in', 'server.csr', '-out', 'server.crt', '-notext',
    '-startdate', '20200101000000Z', '-enddate', '20200102000000Z'], dir);
  return { caFile, cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}
