/** A button that copies a snippet and says so (to screen readers too, through a live region). */
import { h } from 'preact';
import { useState } from 'preact/hooks';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain http (e.g. an in-cluster Service through an ingress without TLS): the Clipboard API is
  // unavailable there, the legacy copy command still works on a selected textarea.
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.append(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('copy refused');
}

export function CopyButton(props: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onClick = () =>
    copyText(props.text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  return h('span', { class: 'copy' }, [
    h('button', { type: 'button', class: 'button', onClick }, props.label),
    h(
      'span',
      { class: 'copy-status', role: 'status' },
      state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text instead' : '',
    ),
  ]);
}
