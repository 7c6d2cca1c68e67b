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

/**
 * Launch configurations of the ETL steps for the Python Debugger (type `debugpy`), offered as dynamic configurations
 * (Run and Debug's "Python Debugger" list) when that extension is installed: no hard dependency on it.
 */
export function etlDebugLaunches(workspaceFolder: string): Record<string, unknown>[] {
  const common = {
    type: 'debugpy', request: 'launch', cwd: workspaceFolder, env: { PYTHONPATH: `${workspaceFolder}/src` },
    justMyCode: true,
  };
  return [
    {
      ...common, name: 'ETL: extract (sample)', module: 'etl.extract',
      args: ['--months', '2024-01..2024-02', '--sample'],
    },
    { ...common, name: 'ETL: transform', module: 'etl.transform' },
  ];
}
