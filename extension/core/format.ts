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
  // A note goes on a line of its own under its service: the columns stay what scripts split.
  return rows
    .map((r, i) => {
      const line = r.map((cell, j) => (j < 3 ? cell.padEnd(widths[j]) : cell)).join('  ');
      return services[i].note ? `${line}\n    ↳ ${services[i].note}` : line;
    })
    .join('\n');
}
