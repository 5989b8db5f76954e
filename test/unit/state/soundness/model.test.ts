// A model test of the whole state machine: fast-check drives random sequences of every message
// kind (bank, staking incl. create/edit/redelegate/undelegate, distribution, slashing incl.
// double sign and downtime, lst, lrt, strategy incl. swap and liquidity, params updates by the
// authority with extreme but valid values, donations to every module address) from several
// actors, with amounts at the edges (0-adjacent, dead-share sized, whole tokens, huge). After
// every block the MemChain checks every invariant and fails on any tx that ended with the
// Internal code or any begin/end-block step that had to be skipped: no block may throw.
// STRATA_MODEL_RUNS raises the run count (default: thousands of blocks in CI time).
import type { Misbehaviour } from "#state/misbehaviour.ts";
import { describe, it } from "vitest";
import fc from "fast-check";
import { MemChain, testGenesisJson, testKey, tx, type TestKey, doubleSignAt } from "#test/fixtures/memChain.ts";
import type { AnyMsg } from "#client/tx.ts";
import { ONE } from "#state/denoms.ts";
import { LST } from "#state/modules/lst/keeper.ts";
import { LRT, LRT_ESCROW } from "#state/modules/lrt/keeper.ts";
import { DISTRIBUTION, COMMUNITY_POOL } from "#state/modules/distribution/keeper.ts";
import { BONDED_POOL, NOT_BONDED_POOL } from "#state/modules/staking/keeper.ts";
import { DEAD_SHARES_HOLDER, FEE_COLLECTOR } from "#state/moduleAccounts.ts";
import { strategyAccount } from "#state/modules/strategy/store.ts";
import { getBalance } from "#state/modules/bank/keeper.ts";
import { getOwnerRequests as getLstOwnerRequests } from "#state/modules/lst/store.ts";
import { getOwnerRequests as getLrtOwnerRequests } from "#state/modules/lrt/store.ts";
import { getDelegationShares, getValidator } from "#state/modules/staking/store.ts";
import { tokensFromShares } from "#state/modules/staking/exchangeRate.ts";
import { getLastValidators } from "#state/validators.ts";
import { addressFromPubkey } from "#state/crypto/address.ts";

const users = [testKey(0), testKey(1), testKey(2), testKey(3)];
const v0 = testKey(10_000);
/** validators an actor may create: operator key → consensus key */
const consKeys = [testKey(20_000), testKey(20_001)];
const operators = [v0.address, users[2].address, users[3].address];
const moduleAddrs = [
  LST,
  LRT,
  LRT_ESCROW,
  DISTRIBUTION,
  COMMUNITY_POOL,
  BONDED_POOL,
  NOT_BONDED_POOL,
  FEE_COLLECTOR,
  DEAD_SHARES_HOLDER,
  strategyAccount("avs"),
  strategyAccount("pool"),
];

const PARAMS = {
  staking: { unbondingTimeMs: "4000", minSelfStake: "1000000000000000000" },
  slashing: { signedBlocksWindow: "10", minSignedPerWindow: "500000000000000000", downtimeJailMs: "3000" },
  lst: { epochBlocks: "3" },
  lrt: { epochBlocks: "4", withdrawalDelayMs: "3000", weights: [{ strategy: "avs", weight: ONE.toString() }] },
  strategies: [
    {
      id: "avs",
      kind: "service",
      rewardRate: (ONE / 5n).toString(),
      slashFraction: (ONE / 10n).toString(),
      downtimeSlashFraction: (ONE / 100n).toString(),
      rewardPool: (100_000n * ONE).toString(),
      optInGenesisValidators: true,
    },
    { id: "avs2", kind: "service", rewardRate: (ONE / 3n).toString(), slashFraction: (ONE - 1n).toString() },
    { id: "pool", kind: "pool", liquidityStra: (1000n * ONE).toString() },
  ],
};

/**
 * Amounts at the edges, or (most often) a share of what the sender holds of the denom the
 * message spends: PART + n means n % of it, resolved when the step runs (see `resolve`).
 */
const PART = 1n << 126n;
const amount = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      1n,
      2n,
      999n,
      1000n,
      1001n,
      ONE - 1n,
      ONE,
      10n * ONE,
      1000n * ONE,
      50_000n * ONE,
      (1n << 127n) - 1n,
    ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 5000n * ONE }) },
  { weight: 5, arbitrary: fc.bigInt({ min: 1n, max: 100n }).map((n) => PART + n) },
);
const fraction = fc.oneof(fc.constantFrom(0n, 1n, ONE / 2n, ONE - 1n), fc.bigInt({ min: 0n, max: ONE - 1n }));
const user = fc.nat(users.length - 1);
const op = fc.nat(operators.length - 1);
const reqId = fc.integer({ min: 1, max: 6 });

type Step =
  | { kind: "tx"; who: number; msg: AnyMsg }
  | { kind: "empty" }
  | { kind: "downtime" }
  | { kind: "doubleSign"; validator: number };

const paramsUpdate: fc.Arbitrary<AnyMsg> = fc.oneof(
  fc
    .record({
      protocolFee: fraction,
      maxRateDrop: fraction,
      maxRateRise: fc.bigInt({ min: 0n, max: ONE }),
      epochBlocks: fc.integer({ min: 1, max: 5 }),
    })
    .map((p) => ({
      type: "params/update" as const,
      value: {
        module: "lst",
        params: {
          protocolFee: String(p.protocolFee),
          maxRateDrop: String(p.maxRateDrop),
          maxRateRise: String(p.maxRateRise),
          epochBlocks: String(p.epochBlocks),
        },
      },
    })),
  fc
    .record({ fee: fraction, epochBlocks: fc.integer({ min: 1, max: 5 }), split: fc.bigInt({ min: 0n, max: ONE }) })
    .map((p) => ({
      type: "params/update" as const,
      value: {
        module: "lrt",
        params: {
          fee: String(p.fee),
          epochBlocks: String(p.epochBlocks),
          weights:
            p.split === ONE
              ? [{ strategy: "avs", weight: ONE.toString() }]
              : [
                  { strategy: "avs", weight: String(p.split) },
                  { strategy: "avs2", weight: String(ONE - p.split) },
                ],
        },
      },
    })),
  fc.record({ d: fraction, t: fraction }).map((p) => ({
    type: "params/update" as const,
    value: {
      module: "slashing",
      params: { slashFractionDoubleSign: String(p.d), slashFractionDowntime: String(p.t) },
    },
  })),
  fc.record({ tax: fraction, infl: fc.bigInt({ min: 0n, max: ONE }) }).map((p) => ({
    type: "params/update" as const,
    value: { module: "distribution", params: { communityTax: String(p.tax), inflationRate: String(p.infl) } },
  })),
  fc.integer({ min: 0, max: 10_000 }).map((t) => ({
    type: "params/update" as const,
    value: { module: "staking", params: { unbondingTimeMs: String(t), maxValidators: "2" } },
  })),
);

const msg: fc.Arbitrary<AnyMsg> = fc.oneof(
  fc
    .record({
      to: fc.oneof(
        user.map((i) => users[i].address),
        fc.constantFrom(...moduleAddrs),
      ),
      denom: fc.constantFrom("stra", "ststra", "rststra"),
      amount,
    })
    .map((v) => ({ type: "bank/send" as const, value: v })),
  fc.record({ c: fc.nat(1), self: amount, rate: fraction }).map((v) => ({
    type: "staking/create_validator" as const,
    value: {
      consensusPubkey: consKeys[v.c].pubkey,
      moniker: `m${v.c}`,
      commissionRate: v.rate,
      maxCommissionRate: ONE - 1n,
      selfStake: v.self,
    },
  })),
  fraction.map((r) => ({ type: "staking/edit_validator" as const, value: { commissionRate: r } })),
  fc.nat(3).map((i) => ({
    type: "staking/rotate_cons_pubkey" as const,
    value: { consensusPubkey: testKey(20_000 + i).pubkey },
  })),
  fc
    .record({ v: op, amount })
    .map((x) => ({ type: "staking/delegate" as const, value: { validator: operators[x.v], amount: x.amount } })),
  fc
    .record({ v: op, amount })
    .map((x) => ({ type: "staking/undelegate" as const, value: { validator: operators[x.v], amount: x.amount } })),
  fc.record({ a: op, b: op, amount }).map((x) => ({
    type: "staking/redelegate" as const,
    value: { from: operators[x.a], to: operators[x.b], amount: x.amount },
  })),
  op.map((v) => ({ type: "distribution/withdraw_rewards" as const, value: { validator: operators[v] } })),
  op.map((v) => ({ type: "distribution/withdraw_commission" as const, value: { validator: operators[v] } })),
  fc.constant({ type: "slashing/unjail" as const, value: {} }),
  amount.map((a) => ({ type: "lst/stake" as const, value: { amount: a } })),
  amount.map((a) => ({ type: "lst/unstake" as const, value: { amount: a } })),
  reqId.map((id) => ({ type: "lst/claim" as const, value: { requestId: id } })),
  amount.map((a) => ({ type: "lrt/restake" as const, value: { amount: a } })),
  amount.map((a) => ({ type: "lrt/request_withdrawal" as const, value: { amount: a } })),
  reqId.map((id) => ({ type: "lrt/claim" as const, value: { requestId: id } })),
  fc.constantFrom("avs", "avs2").map((s) => ({ type: "strategy/opt_in" as const, value: { service: s } })),
  fc.constantFrom("avs", "avs2").map((s) => ({ type: "strategy/opt_out" as const, value: { service: s } })),
  fc
    .record({ denomIn: fc.constantFrom("stra", "ststra"), amountIn: amount, minOut: fc.constantFrom(0n, 1n) })
    .map((v) => ({ type: "strategy/swap" as const, value: { pool: "pool", ...v } })),
  fc
    .record({ maxStra: amount, maxStstra: amount })
    .map((v) => ({ type: "strategy/add_liquidity" as const, value: { pool: "pool", ...v } })),
  amount.map((s) => ({ type: "strategy/remove_liquidity" as const, value: { pool: "pool", shares: s } })),
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ who: user, msg }).map((x) => ({ kind: "tx" as const, ...x })) },
  { weight: 1, arbitrary: paramsUpdate.map((m) => ({ kind: "tx" as const, who: 0, msg: m })) },
  {
    weight: 1,
    arbitrary: fc
      .constant({ kind: "tx" as const, who: 0, msg: { type: "lst/resume" as const, value: {} } })
      .filter(() => Math.random() < 0.3),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "empty" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "downtime" as const }) },
  { weight: 1, arbitrary: fc.nat(1).map((v) => ({ kind: "doubleSign" as const, validator: v })) },
);

function evidence(c: MemChain, k: TestKey): Misbehaviour {
  return doubleSignAt(k.address, c.height);
}

const stats = new Map<string, number>();
const SPENDS: Record<string, string> = {
  "lst/stake": "stra",
  "lst/unstake": "ststra",
  "lrt/restake": "ststra",
  "lrt/request_withdrawal": "rststra",
  "staking/delegate": "stra",
  "staking/create_validator": "stra",
};

/** Replaces each PART + n amount by n % of the sender's balance of the spent denom (at least 1). */
function resolve(c: MemChain, who: TestKey, m: AnyMsg): AnyMsg {
  const part = (v: bigint, denom: string) =>
    v > PART && v <= PART + 100n ? (getBalance(c.store, who.address, denom) * (v - PART)) / 100n || 1n : v;
  const value = { ...(m.value as Record<string, unknown>) };
  if (m.type === "lst/claim" || m.type === "lrt/claim") {
    // mostly the sender's own n-th request (others' ids are tried too: NotRequestOwner)
    const own = (m.type === "lst/claim" ? getLstOwnerRequests : getLrtOwnerRequests)(c.store, who.address);
    const id = value.requestId as number;
    return { ...m, value: { requestId: own.length ? own[(id - 1) % own.length] : id } } as AnyMsg;
  }
  const isPart = (v: unknown) => typeof v === "bigint" && v > PART && v <= PART + 100n;
  if ((m.type === "staking/undelegate" || m.type === "staking/redelegate") && isPart(value.amount)) {
    // a share of the delegation's value
    const opAddr = (m.type === "staking/undelegate" ? value.validator : value.from) as Uint8Array;
    const v = getValidator(c.store, opAddr);
    const worth = v ? tokensFromShares(v, getDelegationShares(c.store, who.address, opAddr)) : 0n;
    value.amount = (worth * ((value.amount as bigint) - PART)) / 100n || 1n;
    return { ...m, value } as AnyMsg;
  }
  const denom = m.type === "bank/send" ? (value.denom as string) : (SPENDS[m.type] ?? "stra");
  for (const k of ["amount", "selfStake", "amountIn", "maxStra", "maxStstra", "shares"]) {
    if (typeof value[k] !== "bigint") continue;
    const d =
      k === "maxStstra" || (k === "amountIn" && value.denomIn === "ststra")
        ? "ststra"
        : k === "shares"
          ? "none"
          : denom;
    value[k] =
      d === "none"
        ? isPart(value[k])
          ? (value[k] as bigint) - PART
          : (value[k] as bigint)
        : part(value[k] as bigint, d);
  }
  return { ...m, value } as AnyMsg;
}

function apply(c: MemChain, s: Step): void {
  if (s.kind === "tx") {
    const who = users[s.who];
    const [r] = c.block([tx(who, [resolve(c, who, s.msg)], c.nonce(who))], false);
    if (process.env.STRATA_MODEL_STATS)
      stats.set(`${s.msg.type} ${r.code}`, (stats.get(`${s.msg.type} ${r.code}`) ?? 0) + 1);
  } else if (s.kind === "empty") c.block([], false);
  else if (s.kind === "downtime") {
    // only the first validator of the last set signs: the others miss this block
    const last = getLastValidators(c.store).map((v) => addressFromPubkey(v.pubkey));
    c.block([], false, last.slice(0, 1));
  } else c.block([], false, undefined, [evidence(c, consKeys[s.validator])]);
}

/** Every run starts with two more validators, opted in, and a staker in every layer. */
const SETUP: Step[] = [
  {
    kind: "tx",
    who: 2,
    msg: {
      type: "staking/create_validator",
      value: {
        consensusPubkey: consKeys[0].pubkey,
        moniker: "c",
        commissionRate: ONE / 20n,
        maxCommissionRate: ONE / 2n,
        selfStake: 100n * ONE,
      },
    },
  },
  {
    kind: "tx",
    who: 3,
    msg: {
      type: "staking/create_validator",
      value: {
        consensusPubkey: consKeys[1].pubkey,
        moniker: "d",
        commissionRate: ONE / 10n,
        maxCommissionRate: ONE / 2n,
        selfStake: 50n * ONE,
      },
    },
  },
  { kind: "empty" },
  { kind: "tx", who: 2, msg: { type: "strategy/opt_in", value: { service: "avs" } } },
  { kind: "tx", who: 3, msg: { type: "strategy/opt_in", value: { service: "avs2" } } },
  { kind: "tx", who: 1, msg: { type: "lst/stake", value: { amount: 5000n * ONE } } },
  { kind: "tx", who: 1, msg: { type: "lrt/restake", value: { amount: 2000n * ONE } } },
  { kind: "tx", who: 1, msg: { type: "staking/delegate", value: { validator: users[2].address, amount: 300n * ONE } } },
];

describe("state machine model", () => {
  const runs = Number(process.env.STRATA_MODEL_RUNS ?? 60);
  it(`random sequences of every message keep every invariant and never throw (${runs} runs)`, {
    timeout: 600_000,
  }, () => {
    // the genesis validator also gets a balance so its operator can send txs
    const genesis = testGenesisJson(users.length, 1_000_000n * ONE, PARAMS);
    genesis.accounts.push({ address: v0.bech32, balances: { stra: (10_000n * ONE).toString() } });
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        const c = new MemChain(genesis);
        for (const s of SETUP) apply(c, s);
        for (const s of steps) apply(c, s);
      }),
      { numRuns: runs },
    );
    if (process.env.STRATA_MODEL_STATS)
      console.log(
        [...stats]
          .sort()
          .map(([k, v]) => `${k}: ${v}`)
          .join("\n"),
      );
  });
});
