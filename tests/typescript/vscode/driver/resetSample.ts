// Removes the sample months from rawzone before the user scenario, so "ETL: Extract" visibly uploads them anew.
import { loadConfig } from '../../../../extension/core/config';
import { findProjectRoot } from '../../../../extension/core/paths';
import { s3Client } from '../../../../extension/core/s3/client';

const config = loadConfig(findProjectRoot(process.cwd()));
const keys = ['01', '02'].map((m) => `yellow_tripdata/year=2024/month=${m}/yellow_tripdata_2024-${m}.parquet`);
s3Client(config)
  .removeObjects(config.buckets.rawzone, keys)
  .then(() =>
    process.stderr.write(`[test-vscode] removed ${keys.length} sample objects from ${config.buckets.rawzone}\n`),
  )
  .catch((error: unknown) => {
    process.stderr.write(`[test-vscode] cannot reset the sample objects: ${String(error)}\n`);
    process.exitCode = 1;
  });
