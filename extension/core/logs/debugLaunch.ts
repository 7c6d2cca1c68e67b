/** Python debug sessions of these modules start the log stream by themselves. */
const ETL_MODULES = /^etl\.(extract|transform|submit)(\.|$)/;
/** The same steps launched as a file: `program: ${workspaceFolder}/src/etl/extract/__main__.py`, `…/submit.py`. */
const ETL_PROGRAMS = /(^|[\\/])etl[\\/](extract|transform|submit)([\\/]|\.py$)/;

/** Whether a debug configuration (`module:` or `program:`) runs one of the ETL steps. */
export function isEtlStepLaunch(configuration: Record<string, unknown>): boolean {
  const module = typeof configuration.module === 'string' ? configuration.module : '';
  const program = typeof configuration.program === 'string' ? configuration.program : '';
  return ETL_MODULES.test(module) || ETL_PROGRAMS.test(program);
}
