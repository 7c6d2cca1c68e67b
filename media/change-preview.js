// The diff page's only script (CSP: by nonce): a count's button sends the rows it stands for (its data-rows, JSON
// made and escaped by the extension) back to the extension, which opens them in the data grid.
(function () {
  const vscode = acquireVsCodeApi();
  for (const button of document.querySelectorAll('button[data-rows]')) {
    button.addEventListener('click', () => vscode.postMessage({ type: 'rows', ...JSON.parse(button.dataset.rows) }));
  }
  const first = document.querySelector('button[data-rows]');
  if (first) first.focus();
})();
