// tsconfig.core.json maps the module 'vscode' here, so an import of it from extension/core or
// extension/cli fails the type check with this message: those layers run in the `etl` CLI,
// where no VS Code exists. Put VS Code code under extension/vscode/ and pass plain data down.
const layering: never = 'extension/core and extension/cli must not import vscode (see tsconfig.core.json)';
export default layering;
