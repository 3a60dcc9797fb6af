/** How long a review answer may be kept is bounded by the token's own `exp`, read without trusting it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenExpiry } from '../../../src/registry-api/access/kubernetes-auth.ts';

const jwt = (claims: unknown) =>
  `e30.${Buffer.from(typeof claims === 'string' ? claims : JSON.stringify(claims)).toString('base64url')}.sig`;

const CASES: [string, string, number | undefined][] = [
  ['a JWT with exp', jwt({ exp: 1_900_000_000 }), 1_900_000_000_000],
  ['a JWT without exp', jwt({ sub: 'x' }), undefined],
  ['exp that is not a number', jwt({ exp: '1900000000' }), undefined],
  ['a payload that is not JSON', jwt('{nope'), undefined],
  ['not a JWT (an opaque token)', 'abc.def', undefined],
  ['empty', '', undefined],
];
for (const [name, token, want] of CASES)
  test(`tokenExpiry: ${name}`, () => {
    assert.equal(tokenExpiry(token), want);
  });
