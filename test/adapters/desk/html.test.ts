import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trusted } from '../../../src/adapters/desk/html.js';

describe('the desk’s HTML templates', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const evil = `<script>alert(1)</script>"'&`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</p>',
    );
    expect(escapeHtml('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; &quot;d&quot;');
  });

  it('keeps nested templates and lists as HTML, shows nothing for absent values', () => {
    const items = ['<a>', 'b'].map((t) => html`<li>${t}</li>`);
    expect(html`<ul>${items}</ul>${undefined}${null}${false}${0}`.value).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li></ul>0',
    );
    expect(html`${trusted('<b>ours</b>')}`.value).toBe('<b>ours</b>');
  });
});
