// The lineage graph's only script: a click (or Enter/Space) on an element with data-open="N" asks the
// extension to open target N (a raw object's preview, a gold table, a line of code, another lineage).
(function () {
  const vscode = acquireVsCodeApi();
  const openFrom = (event) => {
    const element = event.target.closest('[data-open]');
    if (!element) return;
    event.stopPropagation();
    vscode.postMessage({ type: 'open', index: Number(element.getAttribute('data-open')) });
  };
  document.addEventListener('click', openFrom);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openFrom(event);
    }
  });
})();
