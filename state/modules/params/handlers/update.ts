import { ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";
import type { ExecContext } from "../../../context.ts";
import { ChainKey } from "../../../keys.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { event } from "../../../events.ts";
import { parseStrategyFractions, makeReaders, parseBlockParams, parseDistributionParams, parseLrtParams, parseLstParams, parseSlashingParams, parseStakingParams, parseTxParams, type Fail } from "../../../paramsParse.ts";
import { getBlockParams, getTxParams, setBlockParams, setTxParams } from "../../../params.ts";
import { getParams as getStaking, setParams as setStaking } from "../../staking/store.ts";
import { getParams as getSlashing, setParams as setSlashing } from "../../slashing/store.ts";
import { getParams as getDistribution, setParams as setDistribution } from "../../distribution/store.ts";
import { getParams as getLst, setParams as setLst } from "../../lst/store.ts";
import { getParams as getLrt, setParams as setLrt } from "../../lrt/store.ts";
import { getRegistry, setRegistry, strategyAccount, strategyName, StrategyKind } from "../../strategy/store.ts";
import { send } from "../../bank/keeper.ts";
import { MAX_AMOUNT } from "../../../denoms.ts";

/** params/update {module, params}: `params` is JSON naming only the fields that change. */
export const MsgParamsUpdate = new ContainerType({ module: new ByteListType(32), params: new ByteListType(8192) }, { typeName: "MsgParamsUpdate" });
export type MsgParamsUpdateValue = ValueOf<typeof MsgParamsUpdate>;

const fail: Fail = (field, why) => {
  throw new StrataError(ErrorCode.InvalidParams, `${field}: ${why}`);
};

/**
 * Only the genesis authority may change parameters. Supported: `tx`, `block`, `staking`,
 * `slashing` (not `signedBlocksWindow`: signing bitmaps are sized by it), `distribution`, `lst`,
 * `lrt` (weights, delay, fee, epoch), and `strategy` (`{"add": [{id, kind, rewardRate, slashFraction, downtimeSlashFraction, rewardPool}]}`,
 * the reward pool paid from the authority's balance).
 */
export function processParamsUpdate(ctx: ExecContext, signer: Uint8Array, m: MsgParamsUpdateValue): void {
  const authority = ctx.store.get(ChainKey.authority);
  if (!authority || Buffer.compare(authority, signer) !== 0) throw new StrataError(ErrorCode.Unauthorized, "only the chain authority can update parameters");
  const module = Buffer.from(m.module).toString();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(m.params).toString());
  } catch {
    throw new StrataError(ErrorCode.InvalidParams, "params is not valid JSON");
  }
  const field = `params.${module}`;
  const services = () => getRegistry(ctx.store).filter((d) => d.kind === StrategyKind.Service).map(strategyName);
  switch (module) {
    case "tx": {
      const tx = parseTxParams(json, getTxParams(ctx.store), field, fail);
      if (getBlockParams(ctx.store).maxBytes < tx.maxTxBytes) fail(`${field}.maxTxBytes`, "must not exceed params.block.maxBytes");
      setTxParams(ctx.store, tx);
      break;
    }
    case "block":
      setBlockParams(ctx.store, parseBlockParams(json, getBlockParams(ctx.store), getTxParams(ctx.store).maxTxBytes, field, fail));
      break;
    case "staking":
      // a new unbonding time applies to entries begun from now on (the queues stay in order)
      setStaking(ctx.store, parseStakingParams(json, getStaking(ctx.store), field, fail));
      break;
    case "slashing": {
      const cur = getSlashing(ctx.store);
      const p = parseSlashingParams(json, cur, field, fail);
      if (p.signedBlocksWindow !== cur.signedBlocksWindow) fail(`${field}.signedBlocksWindow`, "is fixed at genesis (every validator's signing bitmap is sized by it)");
      setSlashing(ctx.store, p);
      break;
    }
    case "distribution":
      setDistribution(ctx.store, parseDistributionParams(json, getDistribution(ctx.store), field, fail));
      break;
    case "lst":
      setLst(ctx.store, parseLstParams(json, getLst(ctx.store), field, fail));
      break;
    case "lrt":
      setLrt(ctx.store, parseLrtParams(json, getLrt(ctx.store), services(), field, fail));
      break;
    case "strategy": {
      const r = makeReaders(fail);
      const o = r.obj(json, field);
      r.onlyKeys(o, ["add"], field);
      if (!Array.isArray(o.add) || o.add.length === 0) fail(`${field}.add`, "must be a non-empty array");
      const reg = getRegistry(ctx.store);
      const enc = new TextEncoder();
      for (const [i, x] of (o.add as unknown[]).entries()) {
        const f = `${field}.add[${i}]`;
        const so = r.obj(x, f);
        r.onlyKeys(so, ["id", "kind", "rewardRate", "slashFraction", "downtimeSlashFraction", "rewardPool"], f);
        const id = r.str(so.id, `${f}.id`);
        if (!/^[a-z0-9-]{1,32}$/.test(id)) fail(`${f}.id`, "must be 1-32 of [a-z0-9-]");
        if (reg.some((d) => strategyName(d) === id)) fail(`${f}.id`, `strategy "${id}" exists`);
        const kind = r.str(so.kind, `${f}.kind`);
        if (kind !== "service" && kind !== "pool") fail(`${f}.kind`, 'must be "service" or "pool"');
        reg.push({
          id: enc.encode(id),
          kind: kind === "service" ? StrategyKind.Service : StrategyKind.Pool,
          ...parseStrategyFractions(so, f, fail),
        });
        const pool = so.rewardPool === undefined ? 0n : r.uint(so.rewardPool, `${f}.rewardPool`, MAX_AMOUNT);
        if (pool > 0n) send(ctx.store, signer, strategyAccount(id), "stra", pool);
      }
      setRegistry(ctx.store, reg);
      break;
    }
    default:
      throw new StrataError(ErrorCode.InvalidParams, `module "${module}" has no updatable params (tx, block, staking, slashing, distribution, lst, lrt, strategy)`);
  }
  ctx.events.push(event("params_update", { module }));
}
