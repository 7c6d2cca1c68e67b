/* global window, document, MouseEvent */
// Injected into each webview page before its own script (Playwright addInitScript), as test scaffolding:
// `acquireVsCodeApi` as the VS Code host provides it (messages to the extension are recorded), the page's CSP
// violations, and what the test reads and does in the page (window.__probe).
(function () {
  const posted = [];
  const violations = [];
  let acquired = 0;
  window.acquireVsCodeApi = () => {
    acquired += 1;
    return { postMessage: (message) => posted.push(message), getState: () => undefined, setState: () => undefined };
  };
  document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));

  const URL_ATTRIBUTES = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data'];

  /** What a page holds that data must never have made: handlers, tags, scripts, javascript: URLs. */
  function inspect() {
    const elements = [...document.querySelectorAll('*')];
    const attributes = elements.flatMap((e) =>
      [...e.attributes].map((a) => ({ tag: e.localName, name: a.name, value: a.value })));
    return {
      pwned: window.__pwned,
      acquired,
      posted: JSON.parse(JSON.stringify(posted)),
      violations: [...violations],
      scripts: [...document.scripts].map((s) => ({ src: s.src, nonce: s.nonce, text: s.text })),
      handlers: attributes.filter((a) => /^on/i.test(a.name)).map((a) => `<${a.tag} ${a.name}>`),
      tags: elements.map((e) => e.localName).filter((t) => ['img', 'iframe', 'object', 'embed', 'a'].includes(t)),
      javascriptUrls: attributes
        .filter((a) => URL_ATTRIBUTES.includes(a.name) && /^\s*javascript:/i.test(a.value))
        .map((a) => `<${a.tag} ${a.name}>`),
      text: document.body.textContent,
      rows: document.querySelectorAll('tbody tr').length,
    };
  }

  /** Everything a user can click or choose: buttons, the lineage's targets, the report's picker. */
  function interact() {
    for (const element of document.querySelectorAll('button, [data-open]'))
      element.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    for (const select of document.querySelectorAll('select')) {
      select.selectedIndex = select.options.length - 1;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }

  /** Markup that would run if the page's script or its HTML let data through: the CSP must stop it too. */
  function tryInjection() {
    const div = document.createElement('div');
    div.innerHTML = '<img src="data:," onerror="window.__pwned = \'handler\'">';
    document.body.appendChild(div);
    const script = document.createElement('script');
    script.textContent = "window.__pwned = 'inline script'";
    document.body.appendChild(script);
  }

  /** A message from the extension, as VS Code delivers webview.postMessage to the page. */
  const post = (message) => window.postMessage(message, '*');

  window.__probe = { inspect, interact, tryInjection, post };
})();
