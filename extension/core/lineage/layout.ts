import type { ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { LineageGraph, LineageNode } from './graph';

/** Sizes the graph's text needs in the webview (13 px sans; these are its metrics, rounded up). */
export const TEXT = { char: 7.4, bold: 8.2, line: 18, pad: 10, title: 20 };

export interface PlacedNode extends LineageNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface PlacedGraph extends Omit<LineageGraph, 'nodes' | 'edges'> {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** A node's box: its widest text and its lines. */
export function nodeSize(node: LineageNode): { width: number; height: number } {
  const texts = [node.detail ?? '', ...(node.lines ?? []).map((l) => l.text)];
  const widest = Math.max(node.label.length * TEXT.bold, ...texts.map((t) => t.length * TEXT.char));
  const width = Math.ceil(widest + 2 * TEXT.pad);
  const rows = (node.detail ? 1 : 0) + (node.lines?.length ?? 0);
  return { width: Math.max(width, 120), height: TEXT.title + rows * TEXT.line + 2 * TEXT.pad };
}

/** Positions by ELK's layered algorithm (elkjs), left to right: sources on the left, what reads them right. */
export async function layoutGraph(graph: LineageGraph): Promise<PlacedGraph> {
  // Loaded on first use (the extension and CLI bundles keep it outside: scripts/nativeRuntime.mjs).
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '24',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.nodes.map((node) => ({ id: node.id, ...nodeSize(node) })),
    edges: graph.edges.map((edge, i) => ({ id: `e${i}`, sources: [edge.from], targets: [edge.to] })),
  };
  const laid = await elk.layout(root);
  const placed = new Map((laid.children ?? []).map((c) => [c.id, c]));
  const nodes = graph.nodes.map((node) => {
    const box = placed.get(node.id);
    return { ...node, x: box?.x ?? 0, y: box?.y ?? 0, width: box?.width ?? 0, height: box?.height ?? 0 };
  });
  const edges = (laid.edges ?? []).map((edge, i) => {
    const section = edge.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    return { ...graph.edges[i], points };
  });
  return { title: graph.title, source: graph.source, nodes, edges, width: laid.width ?? 0, height: laid.height ?? 0 };
}
