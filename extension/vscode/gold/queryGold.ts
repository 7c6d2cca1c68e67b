import * as vscode from 'vscode';
import { GridFeed } from '../../core/gold/feed';
import type { EtlServices } from '../common/services';
import { GridPanel } from './gridPanel';
import { goldCatalog } from './goldTree';

const EXAMPLE =
  'SELECT pickup_month, count(*) AS trips, round(sum(total_amount), 2) AS revenue ' +
  'FROM fact_trips GROUP BY 1 ORDER BY 1';

/**
 * "Query Gold…": SQL over the gold tables (views named fact_trips, dim_zone, quarantine_rejected_trips, …),
 * the result in the grid.
 */
export async function queryGoldCommand(
  services: EtlServices,
  open: (panel: GridPanel) => void,
  sql?: string,
): Promise<GridPanel | undefined> {
  const text =
    typeof sql === 'string'
      ? sql
      : await vscode.window.showInputBox({
          title: 'Query Gold (DuckDB SQL over the current snapshot of every gold table)',
          prompt:
            'Tables: fact_trips, dim_date, dim_zone, dim_vendor, dim_rate_code, dim_payment_type, ' +
            'mart_daily_zone, mart_hourly_demand, quarantine_rejected_trips',
          value: EXAMPLE,
          ignoreFocusOut: true,
        });
  if (!text?.trim()) return undefined;
  const catalog = await goldCatalog(services);
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
  return panel;
}
