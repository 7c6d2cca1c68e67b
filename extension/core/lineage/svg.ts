import { escapeHtml } from '../runs/escape';
import type { OpenTarget } from './graph';
import { TEXT, type PlacedGraph, type PlacedNode } from './layout';

/**
 * The laid-out graph as SVG markup for the webview (every text escaped), and the targets its clickable
 * parts open: an element with data-open="N" opens targets[N]. Colours are VS Code's theme variables (CSS).
 */
export function lineageSvg(graph: PlacedGraph): { svg: string; targets: OpenTarget[] } {
  const targets: OpenTarget[] = [];
  const clickable = (target: OpenTarget | undefined, label: string) => {
    if (!target) return '';
    targets.push(target);
    return ` data-open="${targets.length - 1}" tabindex="0" role="button" aria-label="${escapeHtml(label)}"`;
  };
  const edges = graph.edges
    .filter((e) => e.points.length > 1)
    .map((e) => `<polyline class="edge" points="${e.points.map((p) => `${p.x},${p.y}`).join(' ')}"/>`);
  const nodes = graph.nodes.map((node) => nodeSvg(node, clickable));
  const [width, height] = [Math.ceil(graph.width), Math.ceil(graph.height)];
  const svg =
    // viewBox: the stylesheet lets a wide graph shrink to the panel's width. No xmlns: inline in HTML, the parser
    // gives the SVG namespace (and the page names no URL at all).
    `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${escapeHtml(graph.title)}">` +
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" ' +
    'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrow"/></marker></defs>' +
    `${edges.join('')}${nodes.join('')}</svg>`;
  return { svg, targets };
}

function nodeSvg(node: PlacedNode, clickable: (target: OpenTarget | undefined, label: string) => string): string {
  const classes = ['node', node.kind, node.focus ? 'focus' : ''].filter(Boolean).join(' ');
  const x = node.x + TEXT.pad;
  let y = node.y + TEXT.pad + 14;
  const parts = [
    `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="6"/>`,
    `<text x="${x}" y="${y}" class="label">${escapeHtml(node.label)}</text>`,
  ];
  if (node.detail) {
    y += TEXT.line;
    parts.push(`<text x="${x}" y="${y}" class="detail">${escapeHtml(node.detail)}</text>`);
  }
  for (const line of node.lines ?? []) {
    y += TEXT.line;
    const attrs = clickable(line.open, `${node.label}: ${line.title ?? line.text}`);
    const title = line.title ? `<title>${escapeHtml(line.title)}</title>` : '';
    parts.push(
      `<text x="${x}" y="${y}" class="line${attrs ? ' link' : ''}"${attrs}>${title}${escapeHtml(line.text)}</text>`,
    );
  }
  const open = clickable(node.open, `${node.label}: ${openLabel(node.open)}`);
  return `<g class="${classes}" data-id="${escapeHtml(node.id)}"${open}>${parts.join('')}</g>`;
}

/** What a click does, said to a screen reader (and in the tooltip). */
export function openLabel(target: OpenTarget | undefined): string {
  if (!target) return '';
  if (target.kind === 'object') return 'preview the object';
  if (target.kind === 'table') return 'preview the table';
  if (target.kind === 'code') return `open ${target.file}:${target.line}`;
  return target.column ? 'show its lineage' : 'show the table’s lineage';
}
