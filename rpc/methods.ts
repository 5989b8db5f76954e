// The RPC methods. CometBFT-named methods return CometBFT v0.38's shapes (so CosmJS's
// Comet38Client works unmodified); `<module>_<query>` methods return our own (appMethods.ts).
// Every method reads committed state only.
import { AdmissionRefused } from "../node/admission.ts";
import { simulateTx } from "../state/tx/simulateTx.ts";
import { Block, Commit, MAX_TX_BYTES } from "../state/encoding/types.ts";
import { blockIdOf } from "../consensus/blockHashes.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import { sha256 } from "../state/crypto/hash.ts";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";
import { getBlockParams } from "../state/params.ts";
import { getEvidenceParams } from "../state/evidenceParams.ts";
import { proveKey } from "../state/store/keyProof.ts";
import { encodeKeyProof, KEY_PROOF_OP } from "../client/keyProofJson.ts";
import type { Chain } from "../node/chain.ts";
import type { PeerInfo } from "../node/p2p.ts";
import { validatorSetAt } from "../node/validatorHistory.ts";
import { consensusParamsAt, paramsRecordReader } from "../node/paramsHistory.ts";
import type { KVReader } from "../state/store/types.ts";
import type { Method } from "./jsonrpc.ts";
import { RpcParamsError } from "./jsonrpc.ts";
import { b64, blockIdJson, blockJson, headerJson, hex, rfc3339 } from "./cometShapes.ts";
import { intParam, optHeight, reqBase64, reqHash } from "./params.ts";
import { blockIdAt, blockResultsAt, loadBlock, txJson } from "./chainReads.ts";
import { searchMethods, type SearchIndex } from "./searchMethods.ts";
import { evidenceFromJson } from "./evidenceJson.ts";
import { proveFromTree, txTree, type TxTree } from "../consensus/txProof.ts";
import { ipOf, nodeIdOf, tcpAddress } from "./nodeId.ts";
import { evidenceHash } from "../consensus/evidence/duplicateVoteEvidence.ts";
import { eventJson, txResultJson, type StoredTxResult } from "./txJson.ts";
import { appMethods, appQueryByPath, appQuerySummaries } from "./appMethods.ts";

const APP_SUMMARIES = appQuerySummaries();
import { METHOD_PARAMS } from "./methodParams.ts";
import { validateParams, type ParamSpec } from "./paramSchema.ts";

export type RpcContext = {
  /** a promise while client txs must wait for the height being decided (node/decidingGate.ts) */
  clientTxGate?: () => Promise<void> | undefined;
  chain: Chain;
  moniker: string;
  rpcAddress: string;
  validatorPubkey?: Uint8Array;
  /** libp2p peer id of this node */
  nodeId?: string;
  /** called with each tx the mempool accepted over RPC (the node gossips them) */
  onTxAccepted?: (tx: Uint8Array) => void;
  /** called with evidence a client sent and this node accepted (the node gossips it) */
  onEvidenceAccepted?: (evidence: Uint8Array) => void;
  peers?: () => string[];
  /** connected peers with what identify told of them (net_info) */
  peerInfo?: () => Promise<PeerInfo[]>;
  /** this node's p2p listen address, `tcp://host:port` (node_info.listen_addr, as CometBFT) */
  p2pAddress?: string;
  /** gossipsub score of a peer, as this node sees it */
  peerScore?: (peerId: string) => number;
  consensus?: () => { height: number; round: number; step: number; evidence: number; stats: Record<string, number> };
  catchingUp?: () => boolean;
  /** throws a StrataError (NodeCatchingUp, NoRecentBlock) when the node should not serve */
  health?: () => void;
  /** where tx_search and block_search are answered from (config indexer); default the kv index */
  searchIndex?: SearchIndex;
};

const VERSION = "0.38.0-strata";

/** A block height param: the latest when absent; refused above the tip or below the earliest block kept. */
function heightOrLatest(chain: Chain, p: Record<string, unknown>): number {
  const h = optHeight(p) ?? chain.height;
  if (h === 0) throw new StrataError(ErrorCode.BlockNotFound, "no block has been committed yet");
  if (h > chain.height)
    throw new StrataError(
      ErrorCode.BlockNotFound,
      `height ${h} must be less than or equal to the current blockchain height ${chain.height}`,
    );
  chain.db.checkBlockHeight(h);
  return h;
}

function pubKeyJson(pk: Uint8Array) {
  return { type: "tendermint/PubKeyEd25519", value: b64(pk) };
}

export function buildMethods(ctx: RpcContext): Map<string, Method> {
  const { chain } = ctx;
  const m = new Map<string, Method>();
  const nodeIdHex = nodeIdOf(ctx.nodeId);
  const nodeInfo = (id: string, listenAddr: string, moniker: string, libp2pPeerId: string, rpcAddress: string) => ({
    protocol_version: { p2p: "8", block: "11", app: "1" },
    id,
    listen_addr: listenAddr,
    network: chain.chainId,
    version: VERSION,
    channels: "",
    moniker,
    other: { tx_index: "on", rpc_address: rpcAddress, libp2p_peer_id: libp2pPeerId },
  });

  // CometBFT answers {} when healthy; we also fail it while syncing or when blocks stopped, so a
  // load balancer or a probe can take the node out of rotation.
  m.set("health", () => {
    ctx.health?.();
    return {};
  });

  m.set("status", async () => {
    const meta = chain.db.meta()!;
    const vals = chain.validators();
    const me = ctx.validatorPubkey ? vals.find((v) => Buffer.compare(v.pubkey, ctx.validatorPubkey!) === 0) : undefined;
    return {
      node_info: nodeInfo(
        nodeIdHex,
        ctx.p2pAddress ?? ctx.rpcAddress,
        ctx.moniker,
        ctx.nodeId ?? "",
        `tcp://${ctx.rpcAddress}`,
      ),
      sync_info: {
        latest_block_hash: meta.height > 0 ? hex(meta.lastBlockId) : "",
        latest_app_hash: hex(meta.stateRoot),
        latest_block_height: String(meta.height),
        latest_block_time: rfc3339(meta.lastBlockTime),
        // the earliest block this node still holds (block retention deletes older ones)
        ...earliest(),
        catching_up: ctx.catchingUp?.() ?? false,
      },
      validator_info: {
        address: ctx.validatorPubkey ? hex(addressFromPubkey(ctx.validatorPubkey)) : "",
        pub_key: ctx.validatorPubkey ? pubKeyJson(ctx.validatorPubkey) : null,
        voting_power: String(me?.power ?? 0),
      },
    };
  });

  // status is the method probes and load balancers hammer: it stays synchronous (no LevelDB
  // round trip that would let thousands pile up), the earliest block read once per change
  let earliestSeen: { height: number; json: Record<string, string> } | undefined;
  function earliest(): Record<string, string> {
    const h = chain.db.earliestBlock();
    if (earliestSeen?.height === h) return earliestSeen.json;
    const b = chain.height >= h ? chain.db.getBlockSync(h) : undefined;
    if (!b)
      return {
        earliest_block_hash: "",
        earliest_app_hash: "",
        earliest_block_height: "0",
        earliest_block_time: rfc3339(chain.genesis.genesisTime),
      };
    const { header } = Block.deserialize(b);
    earliestSeen = {
      height: h,
      json: {
        earliest_block_hash: hex(blockIdOf(header)),
        earliest_app_hash: hex(header.stateRoot),
        earliest_block_height: String(h),
        earliest_block_time: rfc3339(header.time),
      },
    };
    return earliestSeen.json;
  }

  // v0.38's shape; a peer's id is derived from its libp2p id as our own status id is (nodeId.ts),
  // its moniker comes from identify (empty until identified). connection_status says how long
  // the connection is open; per-peer byte rates are not measured (libp2p counts them per
  // protocol, see /metrics). score: this node's gossipsub score of the peer (not in CometBFT):
  // negative once it sent messages our validators rejected or abused the sync protocol.
  m.set("net_info", async () => {
    const peers = ctx.peerInfo
      ? await ctx.peerInfo()
      : (ctx.peers?.() ?? []).map((peerId) => ({
          peerId,
          remoteAddr: "",
          outbound: false,
          openedAt: Date.now(),
          listenAddrs: [],
          moniker: "",
        }));
    const now = Date.now();
    return {
      listening: true,
      listeners: ctx.p2pAddress ? [`Listener(@${ctx.p2pAddress})`] : [],
      n_peers: String(peers.length),
      peers: peers.map((p) => {
        const since = {
          Start: rfc3339(p.openedAt),
          Active: true,
          Duration: String(BigInt(Math.max(0, now - p.openedAt)) * 1_000_000n),
        };
        return {
          node_info: nodeInfo(
            nodeIdOf(p.peerId),
            p.listenAddrs.length ? tcpAddress(p.listenAddrs[0]) : tcpAddress(p.remoteAddr),
            p.moniker,
            p.peerId,
            "",
          ),
          is_outbound: p.outbound,
          connection_status: { Duration: since.Duration, SendMonitor: since, RecvMonitor: since, Channels: [] },
          remote_ip: ipOf(p.remoteAddr),
          score: ctx.peerScore?.(p.peerId) ?? 0,
        };
      }),
    };
  });

  // the genesis document in base64 chunks, as v0.38 serves large geneses; ours is one chunk
  m.set("genesis_chunked", (p) => {
    const chunk = intParam(p, "chunk", 0, 0, 0);
    return { chunk: String(chunk), total: "1", data: Buffer.from(JSON.stringify(genesisDoc())).toString("base64") };
  });

  m.set("genesis", () => genesisDoc());
  function genesisDoc() {
    const g = chain.genesis;
    return {
      genesis: {
        genesis_time: rfc3339(g.genesisTime),
        chain_id: g.chainId,
        initial_height: "1",
        consensus_params: consensusParams(paramsAt(1)),
        validators: g.validators.map((v) => ({
          address: hex(addressFromPubkey(v.pubkey)),
          pub_key: pubKeyJson(v.pubkey),
          power: String(v.power),
          name: Buffer.from(v.moniker).toString(),
        })),
        app_hash: "",
        app_state: {
          authority: encodeAddress(g.authority),
          accounts: g.accounts.map((a) => ({
            address: encodeAddress(a.address),
            balances: Object.fromEntries([...a.balances].map(([d, n]) => [d, n.toString()])),
          })),
          params: {
            tx: { minGasPrice: g.txParams.minGasPrice.toString(), maxTxBytes: g.txParams.maxTxBytes },
            block: { ...g.blockParams, maxGas: g.blockParams.maxGas.toString() },
          },
        },
      },
    };
  }

  /** The consensus params in effect for block `height` (node/paramsHistory.ts). */
  function paramsAt(height: number): KVReader {
    const r = consensusParamsAt(chain.db.paramsRecords(), height);
    if (!r)
      throw new StrataError(
        ErrorCode.BlockNotFound,
        `the consensus params of height ${height} are not recorded by this node`,
      );
    return r;
  }

  function consensusParams(params: KVReader) {
    const bp = getBlockParams(params);
    const ep = getEvidenceParams(params);
    return {
      block: { max_bytes: String(bp.maxBytes), max_gas: String(bp.maxGas) },
      // max_age_duration in nanoseconds, as v0.38 sends a Go duration
      evidence: {
        max_age_num_blocks: String(ep.maxAgeNumBlocks),
        max_age_duration: String(BigInt(ep.maxAgeDurationMs) * 1_000_000n),
        max_bytes: "1048576",
      },
      validator: { pub_key_types: ["ed25519"] },
      version: { app: "1" },
      abci: { vote_extensions_enable_height: "0" },
    };
  }

  m.set("consensus_params", (p) => ({
    block_height: String(heightOrLatest(chain, p)),
    consensus_params: consensusParams(paramsAt(heightOrLatest(chain, p))),
  }));

  m.set("block", async (p) => {
    const height = heightOrLatest(chain, p);
    const { block } = await loadBlock(chain, height);
    return blockJson(await blockIdAt(chain, height), block);
  });

  // v0.38's header and header_by_hash: the header alone (light clients and explorers need no txs)
  m.set("header", async (p) => {
    const { block } = await loadBlock(chain, heightOrLatest(chain, p));
    return { header: headerJson(block.header) };
  });
  m.set("header_by_hash", async (p) => {
    const height = await chain.db.heightOfBlockId(reqHash(p, "hash"));
    if (height === undefined) return { header: null };
    return { header: headerJson((await loadBlock(chain, height)).block.header) };
  });

  m.set("block_by_hash", async (p) => {
    const id = reqHash(p, "hash");
    const height = await chain.db.heightOfBlockId(id);
    if (height === undefined) return { block_id: blockIdJson(new Uint8Array(32)), block: null };
    const { block } = await loadBlock(chain, height);
    return blockJson(id, block);
  });

  m.set("blockchain", async (p) => {
    const last = chain.height;
    let max = intParam(p, "maxHeight", last, 0, last) || last;
    const min = Math.max(chain.db.earliestBlock(), intParam(p, "minHeight", 1, 0, last) || 1);
    if (min > max) throw new RpcParamsError(`minHeight ${min} is greater than maxHeight ${max}`);
    max = Math.min(max, last);
    const metas = [];
    for (let h = max; h >= Math.max(min, max - 19); h--) {
      const { block, size } = await loadBlock(chain, h);
      metas.push({
        block_id: blockIdJson(await blockIdAt(chain, h)),
        block_size: String(size),
        header: headerJson(block.header),
        num_txs: String(block.txs.length),
      });
    }
    return { last_height: String(last), block_metas: metas };
  });

  m.set("commit", async (p) => {
    const height = heightOrLatest(chain, p);
    const c = await chain.db.getCommit(height);
    if (!c) throw new StrataError(ErrorCode.BlockNotFound, `no commit for height ${height}`);
    const { block } = await loadBlock(chain, height);
    const commit = Commit.deserialize(c);
    const shaped = blockJson(commit.blockId, { ...block, lastCommit: commit });
    return { signed_header: { header: shaped.block.header, commit: shaped.block.last_commit }, canonical: true };
  });

  m.set("block_results", async (p) => {
    const height = heightOrLatest(chain, p);
    const r = await blockResultsAt(chain, height);
    // the app hash that block H produced: our header H carries the state root after executing H
    // ([]byte, so base64 as v0.38 sends it); blocks stored before it was kept take it from there
    const appHash = r.appHash
      ? new Uint8Array(Buffer.from(r.appHash, "hex"))
      : (await loadBlock(chain, height)).block.header.stateRoot;
    return {
      height: String(height),
      txs_results: r.txs.map(txResultJson),
      finalize_block_events: r.events.map(eventJson),
      // v0.38's JSON of abci.ValidatorUpdate: the public key as its proto oneof
      validator_updates: r.validatorUpdates.map((u) => ({
        pub_key: {
          Sum: { type: "tendermint.crypto.PublicKey_Ed25519", value: { ed25519: b64(Buffer.from(u.pubkey, "hex")) } },
        },
        power: u.power,
      })),
      consensus_param_updates:
        r.paramUpdates === null ? null : consensusParams(paramsRecordReader(Buffer.from(r.paramUpdates, "hex"))),
      app_hash: b64(appHash),
    };
  });

  m.set("validators", (p) => {
    const height = heightOrLatest(chain, p);
    const page = intParam(p, "page", 1, 1, 1_000_000);
    const perPage = intParam(p, "per_page", 30, 1, 100);
    // CometBFT v0.38: the set that signed block H, with the priorities that named H's proposer
    const set = validatorSetAt(chain.db, height);
    if (!set)
      throw new StrataError(
        ErrorCode.BlockNotFound,
        `the validator set of height ${height} is not retained by this node`,
      );
    const vals = set.validators.map((v) => ({
      address: hex(v.address),
      pub_key: pubKeyJson(v.pubkey),
      voting_power: String(v.power),
      proposer_priority: String(v.priority),
    }));
    const slice = vals.slice((page - 1) * perPage, page * perPage);
    return { block_height: String(height), validators: slice, count: String(slice.length), total: String(vals.length) };
  });

  m.set("unconfirmed_txs", (p) => {
    const limit = intParam(p, "limit", 30, 1, 100);
    const txs = chain.mempool.list(limit);
    return {
      n_txs: String(txs.length),
      total: String(chain.mempool.size),
      total_bytes: String(chain.mempool.bytes),
      txs: txs.map((t) => b64(t.bytes)),
    };
  });

  m.set("num_unconfirmed_txs", () => ({
    n_txs: String(chain.mempool.size),
    total: String(chain.mempool.size),
    total_bytes: String(chain.mempool.bytes),
    txs: null,
  }));

  async function checkAndGossip(bytes: Uint8Array) {
    // consensus first: while the current height is being decided, new txs wait (node/decidingGate.ts)
    const held = ctx.clientTxGate?.();
    if (held) await held;
    try {
      const tx = await chain.checkTxAsync(bytes);
      ctx.onTxAccepted?.(bytes);
      return { code: 0, data: "", log: "", codespace: "", hash: tx.hashHex };
    } catch (e) {
      if (!(e instanceof StrataError)) throw e;
      const refused = { code: e.code, data: "", log: e.message, codespace: e.codespace, hash: hex(sha256(bytes)) };
      // admission control: a stable code and when to retry (HTTP 429's Retry-After, in the result)
      return e instanceof AdmissionRefused ? { ...refused, retry_after_ms: e.retryAfterMs } : refused;
    }
  }

  m.set("broadcast_tx_sync", (p) => checkAndGossip(reqBase64(p, "tx", MAX_TX_BYTES + 1024)));
  // CometBFT's async does not wait for CheckTx; ours is as cheap as the sync path, so it answers with it.
  m.set("broadcast_tx_async", (p) => checkAndGossip(reqBase64(p, "tx", MAX_TX_BYTES + 1024)));

  // CometBFT v0.38's check_tx, as a full dry run (Cosmos' simulate): the tx's envelope checks and
  // messages run against the committed state in a scratch overlay that is dropped. The tx is not
  // added to the mempool. `charged` says whether the chain would have taken its fee.
  m.set("check_tx", (p) => {
    const r = simulateTx(
      chain.db,
      { chainId: chain.chainId, height: chain.height + 1, time: chain.lastBlockTime },
      reqBase64(p, "tx", MAX_TX_BYTES + 1024),
    );
    return {
      ...txResultJson({ ...r, gasWanted: String(r.gasWanted), gasUsed: String(r.gasUsed) }),
      hash: r.hash,
      charged: r.charged,
    };
  });

  // v0.38's broadcast_evidence: a DuplicateVoteEvidence from anyone, verified now against the
  // committed chain (the set of its height, membership, signatures, maximum age); refused with
  // InvalidEvidence naming the rule it broke, or kept in this node's evidence pool and gossiped
  // to its peers' pools (node/evidenceGossip.ts). Answers the evidence hash.
  m.set("broadcast_evidence", (p) => {
    const raw = evidenceFromJson(p.evidence as Record<string, unknown>);
    const v = chain.submitEvidence(raw);
    if (!v.ok) throw new StrataError(ErrorCode.InvalidEvidence, `evidence breaks rule ${v.rule}: ${v.reason}`);
    ctx.onEvidenceAccepted?.(raw);
    return { hash: evidenceHash(raw) };
  });

  m.set("broadcast_tx_commit", async (p) => {
    const bytes = reqBase64(p, "tx", MAX_TX_BYTES + 1024);
    const check = await checkAndGossip(bytes);
    const checkTx = { ...check, gas_wanted: "0", gas_used: "0", events: [], info: "" };
    if (check.code !== 0)
      return {
        check_tx: checkTx,
        tx_result: txResultJson({ hash: check.hash, code: 0, log: "", gasWanted: "0", gasUsed: "0", events: [] }),
        hash: check.hash,
        height: "0",
      };
    const found = await new Promise<{ height: number; result: StoredTxResult } | undefined>((resolve) => {
      const timer = setTimeout(() => {
        chain.off("block", onBlock);
        resolve(undefined);
      }, 30_000);
      const onBlock = (b: {
        height: number;
        results: {
          hash: string;
          code: number;
          log: string;
          gasWanted: bigint;
          gasUsed: bigint;
          events: StoredTxResult["events"];
        }[];
      }) => {
        const r = b.results.find((x) => x.hash === check.hash);
        if (!r) return;
        clearTimeout(timer);
        chain.off("block", onBlock);
        resolve({ height: b.height, result: { ...r, gasWanted: String(r.gasWanted), gasUsed: String(r.gasUsed) } });
      };
      chain.on("block", onBlock);
    });
    if (!found)
      throw new StrataError(ErrorCode.TxNotFound, `timed out waiting for tx ${check.hash} to be included in a block`);
    return { check_tx: checkTx, tx_result: txResultJson(found.result), hash: check.hash, height: String(found.height) };
  });

  // tx trees of the last blocks proofs were asked for: a block's tree costs O(its txs) hashes
  // (~0.1 s for 5,000 txs), a proof from a kept tree O(16)
  const txTrees = new Map<number, { tree: TxTree; dataHash: Uint8Array }>();
  m.set("tx", async (p) => {
    const hash = reqHash(p, "hash");
    const t = await txJson(chain, hash);
    if (!t) {
      // accepted once, then dropped uncommitted (TTL, a dropped earlier nonce, eviction): say so,
      // so the client knows to resubmit rather than wait
      const d = chain.mempool.dropped(hex(hash).toUpperCase());
      if (d)
        throw new StrataError(
          ErrorCode.TxExpired,
          `tx ${hex(hash)} expired: dropped from the mempool at height ${d.height} (${d.reason}) without being included; resubmit it`,
        );
      throw new StrataError(ErrorCode.TxNotFound, `tx ${hex(hash)} not found`);
    }
    if (!p.prove) return t;
    // v0.38's TxProof against the header's data_hash (SSZ tx list root, consensus/txProof.ts)
    const h = Number(t.height);
    let tree = txTrees.get(h);
    if (!tree) {
      const { block } = await loadBlock(chain, h);
      tree = { tree: txTree(block.txs), dataHash: block.header.txsHash };
      if (txTrees.size >= 8) txTrees.delete(txTrees.keys().next().value!);
      txTrees.set(h, tree);
    }
    const pr = proveFromTree(tree.tree, t.index);
    return {
      ...t,
      proof: {
        root_hash: hex(tree.dataHash),
        data: t.tx,
        proof: {
          total: String(pr.total),
          index: String(pr.index),
          leaf_hash: b64(pr.leafHash),
          aunts: pr.aunts.map(b64),
        },
      },
    };
  });

  for (const [name, method] of searchMethods(chain, ctx.searchIndex)) m.set(name, method);

  m.set("abci_info", () => ({
    response: {
      data: "strata",
      version: VERSION,
      app_version: "1",
      last_block_height: String(chain.height),
      last_block_app_hash: b64(chain.stateRoot),
    },
  }));

  /**
   * abci_query: path "/store" with data = a raw state key (hex) returns its value and, with
   * prove, a proof against the state root of the latest block (its header's app_hash): of
   * membership when the key has a value, of absence when it has none (docs/rpc.md);
   * path "/<module>/<query>" with data = JSON params runs an app query (value = JSON).
   */
  m.set("abci_query", async (p) => {
    const path = p.path as string;
    const dataHex = (p.data as string | undefined) ?? "";
    if (!/^[0-9a-fA-F]*$/.test(dataHex) || dataHex.length % 2) throw new RpcParamsError("data must be hex");
    const data = new Uint8Array(Buffer.from(dataHex, "hex"));
    // no block write in flight: the value and its proof below are read in this tick, of one block
    await chain.db.settled();
    const height = optHeight(p) ?? chain.height;
    if (path === "/store" || path === "store") {
      let value: Uint8Array | undefined;
      if (height === chain.height) value = chain.db.get(data);
      else {
        chain.db.checkStateHeight(height);
        if (p.prove)
          throw new StrataError(
            ErrorCode.ProofNotAvailable,
            `proofs are served for the latest height (${chain.height}) only; height ${height} can be read without prove`,
          );
        value = await chain.db.valueAt(data, height);
        chain.db.checkStateHeight(height);
      }
      const base = {
        code: 0,
        log: value ? "exists" : "does not exist",
        info: "",
        index: "0",
        key: b64(data),
        value: value ? b64(value) : "",
        height: String(height),
        codespace: "",
      };
      if (!p.prove) return { response: { ...base, proofOps: null } };
      // read in the same tick as the value: both describe the latest committed block
      const op = encodeKeyProof(proveKey(chain.db, data));
      return {
        response: {
          ...base,
          proofOps: {
            ops: [{ type: KEY_PROOF_OP, key: b64(data), data: b64(new TextEncoder().encode(JSON.stringify(op))) }],
          },
        },
      };
    }
    const app = appQueryByPath(ctx, path);
    if (!app)
      return {
        response: {
          code: ErrorCode.UnknownMessage,
          log: `unknown query path "${path}"`,
          info: "",
          index: "0",
          key: "",
          value: "",
          proofOps: null,
          height: String(height),
          codespace: "strata",
        },
      };
    let raw: unknown;
    if (data.length) {
      try {
        raw = JSON.parse(Buffer.from(data).toString());
      } catch {
        throw new RpcParamsError("data must be hex of a JSON object for app queries");
      }
    }
    // the app query's params pass the same declared checks as its <module>_<query> method
    const value = new TextEncoder().encode(
      JSON.stringify(await app.run({ ...validateParams(METHOD_PARAMS[app.name] ?? [], raw), height: String(height) })),
    );
    return {
      response: {
        code: 0,
        log: "",
        info: "",
        index: "0",
        key: "",
        value: b64(value),
        proofOps: null,
        height: String(height),
        codespace: "",
      },
    };
  });

  m.set("consensus_state", () => {
    const c = ctx.consensus?.();
    if (!c) return { round_state: null };
    return {
      round_state: {
        "height/round/step": `${c.height}/${c.round}/${c.step}`,
        height: String(c.height),
        round: c.round,
        step: c.step,
        evidence_observed: c.evidence,
        stats: c.stats,
      },
    };
  });

  for (const [name, method] of appMethods(ctx)) m.set(name, method);
  m.set("rpc_discover", () => discover(m));
  return m;
}

/** OpenRPC-style description: every method with its params and result schema where known. */
function discover(m: Map<string, Method>) {
  return {
    openrpc: "1.2.6",
    info: { title: "Strata node RPC", version: VERSION },
    methods: [...m.keys()].sort().map((name) => ({
      name,
      ...(METHOD_SCHEMAS[name] ?? {
        summary: APP_SUMMARIES[name],
        params: (METHOD_PARAMS[name] ?? []).map(openRpcParam),
        result: { name: "result", schema: { type: "object" } },
      }),
    })),
  };
}

/** A declared param (methodParams.ts) as an OpenRPC content descriptor. */
function openRpcParam(s: ParamSpec) {
  const k = s.kind;
  const schema =
    k.type === "int"
      ? { type: ["integer", "string"], pattern: "^-?[0-9]+$" }
      : k.type === "bool"
        ? { type: "boolean" }
        : k.type === "enum"
          ? { enum: k.values }
          : k.type === "json"
            ? { type: "object" }
            : { type: "string", maxLength: k.maxLength };
  return { name: s.name, required: s.required ?? false, schema };
}

const str = { type: "string" };
const height = { name: "height", required: false, schema: { type: "string", pattern: "^[0-9]+$" } };
export const METHOD_SCHEMAS: Record<string, { params: unknown[]; result: unknown; summary?: string }> = {
  status: {
    summary: "node, sync and validator info",
    params: [],
    result: { name: "status", schema: { type: "object", required: ["node_info", "sync_info", "validator_info"] } },
  },
  block: {
    summary: "block at a height (latest if omitted)",
    params: [height],
    result: { name: "block", schema: { type: "object", required: ["block_id", "block"] } },
  },
  broadcast_tx_sync: {
    summary: "submit a tx after CheckTx",
    params: [{ name: "tx", required: true, schema: { ...str, contentEncoding: "base64" } }],
    result: { name: "result", schema: { type: "object", required: ["code", "hash"] } },
  },
  tx: {
    summary: "a committed tx by hash",
    params: [{ name: "hash", required: true, schema: { ...str, pattern: "^(0x)?[0-9a-fA-F]{64}$" } }],
    result: { name: "tx", schema: { type: "object" } },
  },
  tx_search: {
    summary: "txs matching an event query",
    params: [
      { name: "query", required: true, schema: str },
      { name: "page", schema: str },
      { name: "per_page", schema: str },
      { name: "order_by", schema: { enum: ["asc", "desc"] } },
    ],
    result: { name: "result", schema: { type: "object", required: ["txs", "total_count"] } },
  },
  abci_query: {
    summary: "state by key (/store, with proof) or app query by path",
    params: [
      { name: "path", required: true, schema: str },
      { name: "data", schema: { ...str, pattern: "^[0-9a-fA-F]*$" } },
      { name: "prove", schema: { type: "boolean" } },
    ],
    result: { name: "response", schema: { type: "object" } },
  },
  bank_supply: {
    summary: "total supply per denom",
    params: [],
    result: {
      name: "supply",
      schema: {
        type: "object",
        required: ["height", "supply"],
        properties: { supply: { type: "object", additionalProperties: { type: "string", pattern: "^[0-9]+$" } } },
      },
    },
  },
  validators: {
    summary: "validator set with power and proposer priority",
    params: [height, { name: "page", schema: str }, { name: "per_page", schema: str }],
    result: {
      name: "validators",
      schema: { type: "object", required: ["block_height", "validators", "count", "total"] },
    },
  },
  bank_balances: {
    summary: "balances and nonce of an address",
    params: [{ name: "address", required: true, schema: { ...str, pattern: "^strata1[02-9ac-hj-np-z]{38}$" } }],
    result: {
      name: "balances",
      schema: {
        type: "object",
        required: ["address", "height", "balances", "nonce"],
        properties: { balances: { type: "object", additionalProperties: { type: "string", pattern: "^[0-9]+$" } } },
      },
    },
  },
};
