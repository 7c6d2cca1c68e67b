import * as vscode from 'vscode';
import type { CatalogAsOf } from '../../core/gold/asOf';
import { GridFeed } from '../../core/gold/feed';
import { reportError } from '../common/notify';
import type { EtlServices } from '../common/services';
import { GridPanel } from './gridPanel';
import { goldCatalog } from './goldTree';
import { pickAsOf } from './pickAsOf';
import { offerSqlFile } from './saveQueryAsSqlFile';

const EXAMPLE =
  'SELECT pickup_month, count(*) AS trips, round(sum(total_amount), 2) AS revenue ' +
  'FROM fact_trips GROUP BY 1 ORDER BY 1';

/**
 * "Query Gold…": SQL over the gold tables (views named fact_trips, dim_zone, quarantine_rejected_trips, …),
 * the result in the grid. Typed in: then asks "as of" (current, a run, a version, a time). Given `sql`
 * (a test, a link): as of `asOf`, current by default.
 */
export async function queryGoldCommand(
  services: EtlServices,
  open: (panel: GridPanel) => void,
  sql?: string,
  asOf?: CatalogAsOf,
): Promise<GridPanel | undefined> {
  const text =
    typeof sql === 'string'
      ? sql
      : await vscode.window.showInputBox({
          title: 'Query Gold (DuckDB SQL over the gold tables; then: as of now, a run, a version or a time)',
          prompt:
            'Tables: fact_trips, dim_date, dim_zone, dim_vendor, dim_rate_code, dim_payment_type, ' +
            'mart_daily_zone, mart_hourly_demand, quarantine_rejected_trips',
          value: EXAMPLE,
          ignoreFocusOut: true,
        });
  if (!text?.trim()) return undefined;
  const when = typeof sql === 'string' ? asOf : await pickAsOf(services);
  if (when === null) return undefined;
  const catalog = await goldCatalog(services, when);
  const feed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'ETL: querying gold…' },
    async () => {
      try {
        return await GridFeed.query(catalog, text);
      } catch (error) {
        await catalog.close();
        throw error;
      }
    },
  );
  const panel = new GridPanel(services.context, catalog, feed);
  open(panel);
  // Typed in: a quick question that may be worth keeping (a test's or a link's SQL is kept elsewhere already).
  if (typeof sql !== 'string') void offerSqlFile(text, when).catch((error: unknown) => reportError(services, error));
  return panel;
}
