// Every webview page built by its real builder, with names and values that try to become markup or script: the
// unit test checks the HTML's policy, tests/typescript/webview runs the pages in Chromium.
import type { GridPage } from '../../../extension/core/gold/engine';
import { gridPage } from '../../../extension/core/gold/gridPage';
import type { VersionCompare } from '../../../extension/core/gold/compareVersion';
import type { TableDiff } from '../../../extension/core/diff/model';
import type { PlacedGraph } from '../../../extension/core/lineage/layout';
import { lineagePage } from '../../../extension/core/lineage/page';
import type { PreviewDiff } from '../../../extension/core/preview/compare';
import { comparePage, previewPage } from '../../../extension/core/preview/html';
import { diffReports } from '../../../extension/core/runs/diff';
import type { QualityReport } from '../../../extension/core/runs/report';
import { reportPage } from '../../../extension/core/runs/reportHtml';
import type { WebviewHost } from '../../../extension/core/webview/page';

/** Each tries another way out: a tag with a handler, closing an attribute, a javascript: URL, SVG. */
export const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '"><script>window.__pwned=1</script>',
  'javascript:window.__pwned=1',
  "'><svg onload=window.__pwned=1>",
];
const [IMG, SCRIPT, LINK, SVG] = HOSTILE;

export interface HostilePage {
  name: string;
  html: string;
  /** The media script the page loads (its one script). */
  script: string;
  /** Texts the page must show as text. */
  visible: string[];
  /** For the grid: what the extension posts into the page once it is ready. */
  messages?: unknown[];
}

function hostileReport(runId: string, rules: Record<string, number>): QualityReport {
  return {
    run_id: runId,
    status: SCRIPT,
    app_id: SVG,
    started_at: IMG,
    ended_at: LINK,
    rows_read: 10,
    rows_kept: 6,
    rows_rejected: 4,
    rejected_by_rule: rules,
    months: { [IMG]: { rows_read: 10, rows_kept: 6, rows_rejected: 4, rejected_by_rule: rules } },
    checks: [{ name: IMG, table: SCRIPT, severity: 'error', status: LINK, measured: SVG, bound: 1, message: IMG }],
    stopped_by: 'checks',
    error: SCRIPT,
  };
}

function report(host: WebviewHost): HostilePage {
  const before = hostileReport(SCRIPT, { [IMG]: 1, [LINK]: 2 });
  const after = hostileReport(IMG, { [IMG]: 3, [SVG]: 1 });
  const html = reportPage(after, { ...host, diff: diffReports(after, before), others: [[SCRIPT, LINK]] });
  return { name: 'quality report', html, script: 'quality-report.js', visible: HOSTILE };
}

function tableDiff(): TableDiff {
  return {
    table: IMG,
    key: [SCRIPT],
    scope: LINK,
    rowsBefore: 3,
    rowsAfter: 4,
    added: 2,
    removed: 1,
    changed: 1,
    columns: [{ column: SVG, changed: 1, examples: [{ key: IMG, before: SCRIPT, after: LINK }] }],
    schema: { added: [{ name: IMG, type: SCRIPT }], removed: [], retyped: [{ name: SVG, before: LINK, after: IMG }] },
    groupBy: SCRIPT,
    groups: [{ value: SVG, before: 0, after: 1, added: 1, removed: 0 }],
    partitionBy: [LINK],
    partitions: [{ label: SCRIPT, values: [SCRIPT], before: 0, after: 1, added: 1, removed: 0, changed: 0 }],
  };
}

function diff(host: WebviewHost): HostilePage {
  const preview: PreviewDiff = {
    preview: {
      id: SVG, dir: '/tmp/p', seconds: 1, described: IMG, months: [SCRIPT], inputs: [LINK], tables: [IMG],
      counts: { rows_read: 1, rows_kept: 1, rows_rejected: 0, rejected_by_rule: {} }, phases_s: {},
    },
    tables: [tableDiff()],
    goldVersions: { [LINK]: 3 },
    diffSeconds: 0.5,
  };
  return { name: 'change preview', html: previewPage(preview, host), script: 'change-preview.js', visible: HOSTILE };
}

function compare(host: WebviewHost): HostilePage {
  const versions: VersionCompare = { table: SVG, version: 1, current: 2, diff: tableDiff(), schemaHistory: [LINK],
    seconds: 0.1 };
  const html = comparePage(versions, host);
  return { name: 'compare with current', html, script: 'change-preview.js', visible: HOSTILE };
}

function lineage(host: WebviewHost): HostilePage {
  const graph: PlacedGraph = {
    title: IMG,
    source: SCRIPT,
    nodes: [
      { id: SVG, kind: 'gold-table', label: LINK, detail: IMG, x: 0, y: 0, width: 300, height: 120,
        open: { kind: 'table', table: SCRIPT },
        lines: [{ text: SVG, title: SCRIPT, open: { kind: 'object', bucket: IMG, key: LINK } }] },
      { id: IMG, kind: 'raw', label: SCRIPT, x: 400, y: 0, width: 300, height: 60 },
    ],
    edges: [{ from: IMG, to: SVG, points: [{ x: 300, y: 30 }, { x: 400, y: 30 }] }],
    width: 700,
    height: 120,
  };
  const { html } = lineagePage(host, graph);
  return { name: 'lineage', html, script: 'lineage.js', visible: HOSTILE };
}

/** A page as GridPanel.show posts it: every name and value hostile, a source row whose path is too. */
export function hostileGridPage(): GridPage {
  return {
    columns: HOSTILE.map((name, i) => ({ name, type: HOSTILE[(i + 1) % HOSTILE.length], numeric: i === 0 })),
    rows: [HOSTILE, [...HOSTILE].reverse(), [null, SCRIPT, IMG, LINK]],
    offset: 0,
    total: 3,
    ms: 1,
  };
}

function grid(host: WebviewHost): HostilePage {
  const messages = [
    { type: 'page', page: hostileGridPage(), table: IMG, sources: [{ path: SCRIPT, index: 1 }, undefined, undefined] },
    { type: 'exported', text: LINK },
    { type: 'error', message: IMG },
  ];
  return { name: 'gold grid', html: gridPage(host, SVG), script: 'gold-grid.js', visible: HOSTILE, messages };
}

/** Every webview page of the extension, built for `host`. */
export const hostilePages = (host: WebviewHost): HostilePage[] =>
  [grid, report, diff, compare, lineage].map((page) => page(host));
