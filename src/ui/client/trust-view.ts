/**
 * The detail view's "Provenance" and "Permissions" sections: what the catalog entry claims about where
 * the image was built and signed (Sigstore) and what the server asks to reach. Shown only when the
 * entry carries them; the wording says "the catalog says", because the page verifies nothing.
 */
import { h } from 'preact';
import type { Detail } from '../core/detail.ts';
import { networkSentence } from '../core/trust.ts';

export function TrustSections({ d }: { d: Detail }) {
  const p = d.permissions;
  return [
    d.provenance
      ? h('section', { class: 'section', 'aria-labelledby': 'provenance' }, [
          h('h2', { id: 'provenance' }, 'Provenance'),
          h(
            'p',
            { class: 'muted' },
            'What the catalog says about where the image was built and signed (Sigstore). The page shows it as given; it does not verify the signature.',
          ),
          h(
            'dl',
            { class: 'kv' },
            d.provenance.fields.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, h('code', null, v))]),
          ),
        ])
      : null,
    p
      ? h('section', { class: 'section', 'aria-labelledby': 'permissions' }, [
          h('h2', { id: 'permissions' }, 'Permissions'),
          h('dl', { class: 'kv' }, [
            ...(p.network
              ? [h('dt', null, 'Outbound network'), h('dd', null, networkSentence(p.network))]
              : []),
            ...(p.read.length ? [h('dt', null, 'Reads'), h('dd', null, p.read.join(', '))] : []),
            ...(p.write.length ? [h('dt', null, 'Writes'), h('dd', null, p.write.join(', '))] : []),
          ]),
        ])
      : null,
  ];
}
