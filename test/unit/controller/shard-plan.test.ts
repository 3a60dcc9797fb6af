import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planShards, type Seen } from '../../../src/controller/leadership/shard-plan.ts';

// m: ours, o: another live replica's, .: free (absent, released or lapsed on our clock).
const seen = (s: string): Seen[] => [...s].map((c) => (c === 'm' ? 'mine' : c === 'o' ? 'other' : 'free'));

const cases: [
  why: string,
  shards: string,
  members: string,
  want: { renew: number[]; acquire: number[]; release: number[]; member?: number; fairShare: number },
][] = [
  [
    'alone, first round: take every shard and member slot 0',
    '....',
    '....',
    { renew: [], acquire: [0, 1, 2, 3], release: [], member: 0, fairShare: 4 },
  ],
  [
    'alone, holding all: renew all',
    'mmmm',
    'm...',
    { renew: [0, 1, 2, 3], acquire: [], release: [], member: 0, fairShare: 4 },
  ],
  [
    'a second replica joined: give back the highest half',
    'mmmm',
    'mo..',
    { renew: [0, 1], acquire: [], release: [2, 3], member: 0, fairShare: 2 },
  ],
  [
    'the newcomer: takes the freed shards, keeps its slot',
    '..oo',
    'om..',
    { renew: [], acquire: [0, 1], release: [], member: 1, fairShare: 2 },
  ],
  [
    'newcomer before any is freed: takes nothing yet',
    'oooo',
    'o...',
    { renew: [], acquire: [], release: [], member: 1, fairShare: 2 },
  ],
  [
    'three replicas, 4 shards: share is 2 (ceil)',
    'mmo.',
    'mo.o',
    { renew: [0, 1], acquire: [], release: [], member: 0, fairShare: 2 },
  ],
  [
    'three replicas, one short: take one orphan',
    'm.oo',
    'moo.',
    { renew: [0], acquire: [1], release: [], member: 0, fairShare: 2 },
  ],
  [
    'a replica died (its member and shards lapsed): pick up its shards',
    'mm..',
    'm...',
    { renew: [0, 1], acquire: [2, 3], release: [], member: 0, fairShare: 4 },
  ],
  [
    'dead member still counted: wait, take only the fair share',
    'mm..',
    'mo..',
    { renew: [0, 1], acquire: [], release: [], member: 0, fairShare: 2 },
  ],
  [
    'more replicas than shards: a spare without a slot still counts itself',
    'oo',
    'oo',
    { renew: [], acquire: [], release: [], fairShare: 1 },
  ],
  ['spare, an orphan appears: take it', 'o.', 'oo', { renew: [], acquire: [1], release: [], fairShare: 1 }],
  [
    'two member slots ours after a race: keep the first, give back the rest',
    'mm',
    'mm',
    { renew: [0, 1], acquire: [], release: [], member: 0, fairShare: 2 },
  ],
  [
    'one shard (never sharded in practice): all or nothing',
    '.',
    '.',
    { renew: [], acquire: [0], release: [], member: 0, fairShare: 1 },
  ],
];

for (const [why, shards, members, want] of cases)
  test(`shard plan: ${why} (${shards} / ${members})`, () => {
    const plan = planShards({ shards: seen(shards), members: seen(members) });
    const { releaseMembers: _r, ...rest } = plan;
    assert.deepEqual(rest, want);
  });

for (const [why, shards, members, want] of [
  [
    'another layout is live, nothing held: take nothing, keep a member slot',
    '....',
    '....',
    { renew: [], acquire: [], release: [], member: 0, fairShare: 4 },
  ],
  [
    'another layout is live, some held: keep them, take no more',
    'm...',
    'm...',
    { renew: [0], acquire: [], release: [], member: 0, fairShare: 4 },
  ],
  [
    'another layout is live, above the share: still give back the excess',
    'mmmm',
    'mo..',
    { renew: [0, 1], acquire: [], release: [2, 3], member: 0, fairShare: 2 },
  ],
] as const)
  test(`shard plan, blocked: ${why} (${shards} / ${members})`, () => {
    const { releaseMembers: _r, ...rest } = planShards({
      shards: seen(shards),
      members: seen(members),
      blocked: true,
    });
    assert.deepEqual(rest, want);
  });

test('member slots held twice: all but the first given back', () => {
  assert.deepEqual(planShards({ shards: seen('mm'), members: seen('mm') }).releaseMembers, [1]);
  assert.deepEqual(planShards({ shards: seen('mm'), members: seen('m.') }).releaseMembers, []);
});

test('every shard is held once the replicas settle, none twice (2-5 replicas, 1-16 shards)', () => {
  for (let replicas = 2; replicas <= 5; replicas++)
    for (let count = 1; count <= 16; count++) {
      const holder = new Array<number>(count).fill(-1);
      const member = new Array<number>(count).fill(-1);
      for (let round = 0; round < 10; round++)
        for (let r = 0; r < replicas; r++) {
          const view = (owners: number[]): Seen[] =>
            owners.map((h) => (h === r ? 'mine' : h === -1 ? 'free' : 'other'));
          const plan = planShards({ shards: view(holder), members: view(member) });
          for (const i of plan.release) holder[i] = -1;
          for (const i of plan.acquire) holder[i] = r;
          if (plan.member !== undefined) member[plan.member] = r;
          for (const j of plan.releaseMembers) member[j] = -1;
        }
      assert.ok(
        !holder.includes(-1),
        `${replicas} replicas, ${count} shards: all held (${holder.join(',')})`,
      );
      const most = Math.ceil(count / Math.min(replicas, count));
      for (let r = 0; r < replicas; r++)
        assert.ok(
          holder.filter((h) => h === r).length <= most,
          `${replicas}/${count}: replica ${r} within its share`,
        );
    }
});
