import { Client } from '@elastic/elasticsearch';
import type { EtlConfig } from '../../../extension/core/config';
import { esTarget } from '../../../extension/core/elasticsearch/client';

/**
 * A client of the stack's Elasticsearch as the product reaches it (.env's ES_USERNAME and ES_PASSWORD when its
 * security is on, which is the default), with the client library's own retries: tests ride out a busy node.
 */
export function testEsClient(config: EtlConfig, requestTimeout = 30_000): Client {
  const target = esTarget(config);
  if (target.problem) throw target.problem;
  return new Client({ node: target.url, requestTimeout, ...(target.auth ? { auth: target.auth } : {}) });
}
