import type { Benchmark } from '../lib/bench.ts';
import { aa } from './aa.ts';
import { api } from './api.ts';
import { apiAuth } from './api-auth.ts';
import { apiAuthz } from './api-authz.ts';
import { apiserver } from './apiserver.ts';
import { conversion } from './conversion.ts';
import { discovery } from './discovery.ts';
import { isolation } from './isolation.ts';
import { mirror } from './mirror.ts';
import { reconcile } from './reconcile.ts';
import { shards } from './shards.ts';
import { sync } from './sync.ts';
import { webhook } from './webhook.ts';
import { ui } from './ui.ts';

/** In the order `npm run bench` runs them (the A/A harness check first, then cheapest first). */
export const BENCHMARKS: Benchmark[] = [
  aa,
  conversion,
  webhook,
  api,
  apiAuth,
  apiAuthz,
  apiserver,
  sync,
  mirror,
  isolation,
  reconcile,
  shards,
  discovery,
  ui,
];
