// Bundles the CLI and the extension with esbuild (CommonJS for the VS Code extension host).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['extension/cli.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
]);
