/** The sign-in form shown when the API answers 401: one API key or token, kept for this tab only. */
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export function TokenView(props: { message: string; onSubmit: (token: string) => void }) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [props.message]);
  return h('main', { id: 'main', class: 'signin', tabIndex: -1 }, [
    h('h1', null, 'Sign in to this catalog'),
    h(
      'p',
      null,
      'This registry needs an API key or a bearer token. It is kept in this browser tab only (session storage) and sent with each request.',
    ),
    props.message ? h('p', { class: 'error', role: 'alert' }, props.message) : null,
    h(
      'form',
      {
        onSubmit: (e: Event) => {
          e.preventDefault();
          if (value.trim()) props.onSubmit(value.trim());
        },
      },
      [
        h('label', { for: 'token' }, 'API key or token'),
        h('input', {
          id: 'token',
          ref: input,
          type: 'password',
          autocomplete: 'off',
          required: true,
          value,
          onInput: (e: Event) => setValue((e.currentTarget as HTMLInputElement).value),
        }),
        h('button', { type: 'submit', class: 'button primary' }, 'Sign in'),
      ],
    ),
  ]);
}
