/**
 * The detail view's install panels (src/ui/core/install.ts builds their text): a choice of how to run
 * the entry when it offers several (a remote, npm, PyPI, an OCI image), one tab per client, and the
 * chosen client's snippet with a copy button (and VS Code's one-click install link).
 */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import type { Detail } from '../core/detail.ts';
import { installChoices, installPanels } from '../core/install.ts';
import { CopyButton } from './copy-button.ts';
import { BASE } from './base.ts';

export function InstallPanels({ d }: { d: Detail }) {
  const choices = installChoices(d);
  const [choiceId, setChoiceId] = useState(choices[0]?.id);
  const [clientId, setClientId] = useState<string>('vscode');
  const choice = choices.find((c) => c.id === choiceId) ?? choices[0];
  // The registry's own address, for `thv config set-registry`: the page is served at its root.
  // The registry's address for clients: under its base path, where its API answers.
  const panels = installPanels(d, choice, window.location.origin + BASE);
  const panel = panels.find((p) => p.id === clientId) ?? panels[0]!;
  return h('div', { class: 'install' }, [
    choices.length > 1
      ? h('label', { class: 'install-choice' }, [
          'Run it from ',
          h(
            'select',
            {
              value: choice?.id,
              onChange: (e: Event) => setChoiceId((e.currentTarget as HTMLSelectElement).value),
            },
            choices.map((c) => h('option', { key: c.id, value: c.id }, c.label)),
          ),
        ])
      : null,
    h(
      'div',
      { class: 'install-clients', role: 'group', 'aria-label': 'MCP client' },
      panels.map((p) =>
        h(
          'button',
          {
            key: p.id,
            type: 'button',
            class: 'button',
            'aria-pressed': p.id === panel.id ? 'true' : 'false',
            onClick: () => setClientId(p.id),
          },
          p.label,
        ),
      ),
    ),
    h('p', { class: 'install-where' }, `${panel.label}: ${panel.where}`),
    h('pre', { class: 'snippet', 'aria-label': `${panel.label} configuration` }, h('code', null, panel.text)),
    h(CopyButton, { text: panel.text, label: `Copy ${panel.label} configuration` }),
    panel.link ? h('a', { class: 'button install-link', href: panel.link.href }, panel.link.label) : null,
  ]);
}
