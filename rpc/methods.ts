// The RPC methods. CometBFT-named methods return CometBFT's shapes; `<module>_<query>` methods
// return our own. Each method reads committed state only.
import { Block, Commit, TxResultRecord } from "../state/encoding/types.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import { decodeAddress } from "../state/crypto/address.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import { queryBalances } from "../state/modules/bank/queries.ts";
import type { Chain } from "../node/chain.ts";
import type { Method } from "./jsonrpc.ts";
import { RpcParamsError } from "./jsonrpc.ts";
import { b64, blockJson, hex, rfc3339 } from "./cometShapes.ts";
import { optHeight, reqBase64, reqHash, reqString } from "./params.ts";
import { MAX_TX_BYTES } from "../state/encoding/types.ts";

export type RpcContext = {
  chain: Chain;
  moniker: string;
  rpcAddress: string;
  validatorPubkey?: Uint8Array;
  /** peer id, once the node has a p2p identity */
  nodeId?: string;
  /** called with each tx the mempool accepted over RPC (the node gossips them) */
  onTxAccepted?: (tx: Uint8Array) => void;
  peers?: () => string[];
  consensus?: () => { height: number; round: number; step: number; evidence: number; stats: Record<string, number> };
};

const VERSION = "0.38.0-strata";

async function loadBlock(chain: Chain, height: number) {
  const b = await chain.db.getBlock(height);
  if (!b) throw new StrataError(ErrorCode.BlockNotFound, `height ${height} is not available (latest is ${chain.height})`);
  return Block.deserialize(b);
}

export function buildMethods(ctx: RpcContext): Map<string, Method> {
  const { chain } = ctx;
  const m = new Map<string, Method>();

  m.set("health", () => ({}));

  m.set("status", async () => {
    const meta = chain.db.meta()!;
    const vals = chain.validators();
    const me = ctx.validatorPubkey ? vals.find((v) => Buffer.compare(v.pubkey, ctx.validatorPubkey!) === 0) : undefined;
    return {
      node_info: {
        protocol_version: { p2p: "8", block: "11", app: "1" },
        id: ctx.nodeId ?? "",
        listen_addr: ctx.rpcAddress,
        network: chain.chainId,
        version: VERSION,
        channels: "",
        moniker: ctx.moniker,
        other: { tx_index: "on", rpc_address: `tcp://${ctx.rpcAddress}` },
      },
      sync_info: {
        latest_block_hash: meta.height > 0 ? hex(meta.lastBlockId) : "",
        latest_app_hash: hex(meta.stateRoot),
        latest_block_height: String(meta.height),
        latest_block_time: rfc3339(meta.lastBlockTime),
        earliest_block_hash: "",
        earliest_app_hash: "",
        earliest_block_height: meta.height > 0 ? "1" : "0",
        earliest_block_time: rfc3339(chain.genesis.genesisTime),
        catching_up: false,
      },
      validator_info: ctx.validatorPubkey
        ? {
            address: hex(addressFromPubkey(ctx.validatorPubkey)),
            pub_key: { type: "tendermint/PubKeyEd25519", value: b64(ctx.validatorPubkey) },
            voting_power: String(me?.power ?? 0),
          }
        : { address: "", pub_key: null, voting_power: "0" },
    };
  });

  m.set("block", async (p) => {
    const height = optHeight(p) ?? chain.height;
    if (height === 0) throw new StrataError(ErrorCode.BlockNotFound, "no block has been committed yet");
    const block = await loadBlock(chain, height);
    const meta = chain.db.meta()!;
    const id = height === meta.height ? meta.lastBlockId : (await loadBlock(chain, height + 1)).header.lastBlockId;
    return blockJson(id, block);
  });

  m.set("commit", async (p) => {
    const height = optHeight(p) ?? chain.height;
    const c = await chain.db.getCommit(height);
    if (!c) throw new StrataError(ErrorCode.BlockNotFound, `no commit for height ${height}`);
    const block = await loadBlock(chain, height);
    const commit = Commit.deserialize(c);
    const shaped = blockJson(commit.blockId, { ...block, lastCommit: commit });
    return { signed_header: { header: shaped.block.header, commit: shaped.block.last_commit }, canonical: true };
  });

  m.set("broadcast_tx_sync", async (p) => {
    const bytes = reqBase64(p, "tx", MAX_TX_BYTES + 1024);
    try {
      const tx = chain.checkTx(bytes);
      ctx.onTxAccepted?.(bytes);
      return { code: 0, data: "", log: "", codespace: "", hash: tx.hashHex };
    } catch (e) {
      if (!(e instanceof StrataError)) throw e;
      const hash = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
      return { code: e.code, data: "", log: e.message, codespace: e.codespace, hash };
    }
  });

  m.set("tx", async (p) => {
    const hash = reqHash(p, "hash");
    const rec = await chain.db.getTxRecord(hash);
    if (!rec) throw new StrataError(ErrorCode.TxNotFound, `tx ${hex(hash)} not found`);
    const r = TxResultRecord.deserialize(rec);
    const block = await loadBlock(chain, r.height);
    const events = JSON.parse(Buffer.from(r.events).toString() || "[]") as { type: string; attributes: { key: string; value: string }[] }[];
    return {
      hash: hex(hash),
      height: String(r.height),
      index: r.index,
      tx_result: {
        code: r.code,
        data: "",
        log: Buffer.from(r.log).toString(),
        info: "",
        gas_wanted: String(r.gasUsed),
        gas_used: String(r.gasUsed),
        events: events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ ...a, index: true })) })),
        codespace: r.code === 0 ? "" : "strata",
      },
      tx: b64(block.txs[r.index]),
    };
  });

  m.set("net_info", () => {
    const peers = ctx.peers?.() ?? [];
    return { listening: true, listeners: [], n_peers: String(peers.length), peers: peers.map((id) => ({ node_info: { id }, is_outbound: false })) };
  });

  /** CometBFT's consensus_state, reduced: where consensus is, and what it has seen. */
  m.set("consensus_state", () => {
    const c = ctx.consensus?.();
    if (!c) return { round_state: null };
    return { round_state: { "height/round/step": `${c.height}/${c.round}/${c.step}`, height: String(c.height), round: c.round, step: c.step, evidence_observed: c.evidence, stats: c.stats } };
  });

  m.set("bank_balances", (p) => {
    const addrStr = reqString(p, "address");
    let addr: Uint8Array;
    try {
      addr = decodeAddress(addrStr);
    } catch (e) {
      throw new RpcParamsError(`address: ${(e as Error).message}`);
    }
    return { address: addrStr, height: String(chain.height), ...queryBalances(chain.db, addr) };
  });

  return m;
}
