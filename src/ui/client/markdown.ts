/**
 * Markdown of a server's `overview`, rendered safely (loaded as its own chunk, only by the detail view).
 * markdown-it with `html: false` escapes every raw HTML tag, so `<script>` or `<img onerror>` in an
 * overview shows as text; links are kept only for http(s), mailto and in-page anchors, so a
 * `javascript:` link stays literal text. The page's Content-Security-Policy (no inline script) is the
 * second wall.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

md.validateLink = (url: string) => {
  const u = url.trim().toLowerCase();
  return u.startsWith('https://') || u.startsWith('http://') || u.startsWith('mailto:') || u.startsWith('#');
};

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}
