import type { ServiceStatus } from './stack/backend';

const ICON: Record<ServiceStatus['state'], string> = { running: '●', starting: '◌', unhealthy: '◐', stopped: '○' };

/** A fixed-width table of the stack for terminals. */
export function formatStatusTable(services: ServiceStatus[]): string {
  const rows = services.map((s) => [
    `${ICON[s.state]} ${s.title}`,
    s.state,
    s.pid ? String(s.pid) : (s.container ?? '-'),
    s.url,
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')).join('\n');
}
