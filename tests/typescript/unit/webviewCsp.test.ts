import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hostilePages } from '../helpers/hostilePages';

// Every webview page's HTML, as its builder makes it with hostile data: the policy and the markup a CSP relies on.
const host = {
  nonce: 'N0nce+/=', cspSource: 'vscode-resource:', media: (file: string) => `vscode-resource:/media/${file}`,
};

/** The page's start tags, their quoted attribute values blanked (escaped data can only live inside them). */
const tags = (html: string) =>
  [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)].map((m) => ({ name: m[1].toLowerCase(), attrs: m[2] }));
const unquoted = (attrs: string) => attrs.replace(/"[^"]*"|'[^']*'/g, '""');

function policyOf(html: string): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
  assert.equal(metas.length, 1, 'one CSP meta');
  const directives = metas[0][1].split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]);
  return new Map(directives.map(([name, ...sources]) => [name, sources]));
}

describe('every webview page has a strict CSP and no inline code', () => {
  for (const page of hostilePages(host)) {
    test(page.name, () => {
      const policy = policyOf(page.html);
      assert.deepEqual(policy.get('default-src'), ["'none'"]);
      assert.deepEqual(policy.get('script-src'), [`'nonce-${host.nonce}'`], 'scripts only by nonce');
      for (const [name, sources] of policy)
        if (name !== 'default-src' && name !== 'script-src')
          assert.deepEqual(sources, [host.cspSource], `${name} only from the extension's media`);
      assert.doesNotMatch(page.html, /https?:\/\//i, 'a remote URL');

      const all = tags(page.html);
      const scripts = all.filter((t) => t.name === 'script');
      assert.equal(scripts.length, 1, 'one script');
      assert.equal(scripts[0].attrs.trim(), `nonce="${host.nonce}" src="${host.media(page.script)}"`);
      assert.doesNotMatch(page.html, /<script[^>]*>[^<]/, 'inline script text');
      assert.ok(!all.some((t) => t.name === 'style'), 'an inline <style>');
      for (const tag of all) {
        assert.doesNotMatch(unquoted(tag.attrs), /(^|\s)on[a-z]+\s*=/i, `an inline handler on <${tag.name}>`);
        assert.doesNotMatch(unquoted(tag.attrs), /(^|\s)style\s*=/i, `a style attribute on <${tag.name}>`);
        assert.doesNotMatch(tag.attrs, /(href|src|action)\s*=\s*["']?\s*javascript:/i, 'a javascript: URL');
      }
      assert.ok(!all.some((t) => ['img', 'iframe', 'object', 'embed', 'a'].includes(t.name)), 'a tag from data');
    });
  }
});
