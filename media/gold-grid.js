// The gold data grid inside its webview (no framework; CSP allows only this script, by nonce).
// Values arrive as exact text from DuckDB (ns timestamps, 64-bit integers); nothing here parses them.
(function () {
  const vscode = acquireVsCodeApi();
  const state = {
    offset: 0, limit: 100, total: undefined, sort: undefined, columns: [], loading: true, table: undefined,
    sources: [],
  };
  const $ = (id) => document.getElementById(id);
  const head = document.querySelector('#grid thead');
  const body = document.querySelector('#grid tbody');

  function request(offset, sort) {
    state.loading = true;
    $('range').textContent = 'loading…';
    vscode.postMessage({ type: 'page', offset: Math.max(0, offset), sort });
  }

  // Click (or Enter/Space on the focused header button) cycles: ascending → descending → unsorted.
  function nextSort(column) {
    const s = state.sort;
    if (!s || s.column !== column) return { column, descending: false };
    return s.descending ? undefined : { column, descending: true };
  }

  function header(columns) {
    const row = document.createElement('tr');
    const corner = document.createElement('th');
    corner.textContent = '#';
    row.appendChild(corner);
    for (const column of columns) {
      const th = document.createElement('th');
      if (column.numeric) th.className = 'numeric';
      const sorted = state.sort && state.sort.column === column.name ? state.sort : undefined;
      th.setAttribute('aria-sort', sorted ? (sorted.descending ? 'descending' : 'ascending') : 'none');
      const button = document.createElement('button');
      button.textContent = column.name + (sorted ? (sorted.descending ? ' ▼' : ' ▲') : '');
      button.title = `Sort by ${column.name}`;
      const type = document.createElement('span');
      type.className = 'type';
      type.textContent = column.type;
      button.appendChild(type);
      button.addEventListener('click', () => request(0, nextSort(column.name)));
      th.appendChild(button);
      // Right-click a column of a table preview: Show Lineage (package.json "webview/context").
      if (state.table) th.dataset.vscodeContext = JSON.stringify(
        { webviewSection: 'goldColumn', table: state.table, column: column.name,
          preventDefaultContextMenuItems: true });
      row.appendChild(th);
    }
    head.replaceChildren(row);
  }

  // A row that names its trip file and its index in it (fact_trips, the quarantine; the extension host reads them
  // from the row: message.sources): Show Source Row, by its row number's button or a right-click
  // (package.json "webview/context").
  function rowNumber(page, i, source) {
    const no = document.createElement('td');
    no.className = 'rowno';
    const label = String(page.offset + i + 1);
    if (!source) {
      no.textContent = label;
      return no;
    }
    const button = document.createElement('button');
    button.className = 'source';
    button.textContent = label + ' ↗';
    button.title = `Show Source Row: row ${source.sourceRow} of ${source.sourcePath}`;
    button.addEventListener('click', () => vscode.postMessage({ type: 'sourceRow', ...source }));
    no.appendChild(button);
    return no;
  }

  function rows(page) {
    const fragment = document.createDocumentFragment();
    page.rows.forEach((values, i) => {
      const tr = document.createElement('tr');
      const found = state.sources[i];
      const source = found && { sourcePath: found.path, sourceRow: found.index };
      if (source) tr.dataset.vscodeContext = JSON.stringify(
        { webviewSection: 'sourceRow', ...source, preventDefaultContextMenuItems: true });
      tr.appendChild(rowNumber(page, i, source));
      values.forEach((value, c) => {
        const td = document.createElement('td');
        const classes = [];
        if (page.columns[c].numeric) classes.push('numeric');
        if (value === null) {
          classes.push('null');
          td.textContent = 'NULL';
        } else {
          td.textContent = value;
        }
        if (page.columns[c].name === 'reject_rule' && value !== null) classes.push('rule');
        td.className = classes.join(' ');
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
  }

  function show(page) {
    Object.assign(state, {
      offset: page.offset,
      total: page.total,
      sort: page.sort,
      columns: page.columns,
      loading: false,
    });
    $('message').hidden = true;
    header(page.columns);
    rows(page);
    const end = page.offset + page.rows.length;
    const of = page.total === undefined ? '' : ` of ${page.total.toLocaleString('en-US')}`;
    $('range').textContent = page.rows.length
      ? `rows ${(page.offset + 1).toLocaleString('en-US')}–${end.toLocaleString('en-US')}${of} · ` +
        `${Math.round(page.ms)} ms`
      : `no rows${of}`;
    $('first').disabled = $('prev').disabled = page.offset === 0;
    const atEnd = page.total === undefined ? page.rows.length < state.limit : end >= page.total;
    $('next').disabled = $('last').disabled = atEnd;
    $('last').disabled = atEnd || page.total === undefined;
  }

  // Export: the extension host asks where (the save dialog) and DuckDB writes every row in the current sort.
  function exportAs(format) {
    $('exportCsv').disabled = $('exportParquet').disabled = true;
    $('notice').textContent = `exporting to ${format === 'csv' ? 'CSV' : 'Parquet'}…`;
    $('notice').hidden = false;
    vscode.postMessage({ type: 'export', format });
  }
  $('exportCsv').addEventListener('click', () => exportAs('csv'));
  $('exportParquet').addEventListener('click', () => exportAs('parquet'));

  const lastOffset = () => Math.max(0, Math.floor(((state.total || 1) - 1) / state.limit) * state.limit);
  $('first').addEventListener('click', () => request(0, state.sort));
  $('prev').addEventListener('click', () => request(state.offset - state.limit, state.sort));
  $('next').addEventListener('click', () => request(state.offset + state.limit, state.sort));
  $('last').addEventListener('click', () => request(lastOffset(), state.sort));
  document.addEventListener('keydown', (event) => {
    if (state.loading || event.target instanceof HTMLInputElement) return;
    const keys = { PageDown: 'next', PageUp: 'prev', Home: 'first', End: 'last' };
    const button = keys[event.key] && $(keys[event.key]);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'page') {
      state.table = message.table;
      state.sources = message.sources || [];
      show(message.page);
    }
    else if (message.type === 'exported') {
      $('exportCsv').disabled = $('exportParquet').disabled = false;
      $('notice').textContent = message.text || '';
      $('notice').hidden = !message.text;
    }
    else if (message.type === 'error') {
      state.loading = false;
      $('message').textContent = message.message;
      $('message').hidden = false;
      $('range').textContent = '';
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
