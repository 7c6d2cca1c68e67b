// The quality report's only script (CSP: by nonce): the "compare with" picker asks the extension for the diff.
(function () {
  const vscode = acquireVsCodeApi();
  const picker = document.getElementById('compare');
  if (picker) picker.addEventListener('change', () => vscode.postMessage({ type: 'compare', runId: picker.value }));
})();
