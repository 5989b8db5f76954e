// The declared params of every RPC method, in CometBFT's positional order (so `"params": ["5"]`
// means height 5 for `block`, as CometBFT maps arrays to its handlers' argument names). The
// dispatcher refuses to start with a method missing here: a method cannot forget its check.
import { MAX_TX_BYTES } from "../state/encoding/types.ts";
import type { ParamSpec } from "./paramSchema.ts";
import { appQueryParams } from "./appMethods.ts";

const int = (name: string): ParamSpec => ({ name, kind: { type: "int" } });
const str = (name: string, maxLength: number, required = false, pattern?: RegExp): ParamSpec => ({
  name,
  required,
  kind: { type: "string", maxLength, pattern },
});
const bool = (name: string): ParamSpec => ({ name, kind: { type: "bool" } });

const height = int("height");
/** base64 of the largest tx, with room for padding and slack */
const tx = str("tx", Math.ceil(((MAX_TX_BYTES + 1024) * 4) / 3) + 4, true);
/** 32 bytes as hex (optionally 0x) or base64 (CometBFT's URI form) */
const hash = str("hash", 66, true);
/** CometBFT event queries; query.ts refuses longer ones too */
const query = str("query", 512, true);
const orderBy: ParamSpec = { name: "order_by", kind: { type: "enum", values: ["asc", "desc", ""] } };
const search = [query, bool("prove"), int("page"), int("per_page"), orderBy];

export const METHOD_PARAMS: Record<string, readonly ParamSpec[]> = {
  health: [],
  status: [],
  net_info: [],
  genesis: [],
  consensus_params: [height],
  block: [height],
  header: [height],
  header_by_hash: [hash],
  genesis_chunked: [int("chunk")],
  block_by_hash: [hash],
  blockchain: [int("minHeight"), int("maxHeight")],
  commit: [height],
  block_results: [height],
  validators: [height, int("page"), int("per_page")],
  unconfirmed_txs: [int("limit")],
  num_unconfirmed_txs: [],
  broadcast_tx_async: [tx],
  broadcast_tx_sync: [tx],
  broadcast_tx_commit: [tx],
  check_tx: [tx],
  /** CometBFT's DuplicateVoteEvidence JSON ({type, value} or the value alone) */
  broadcast_evidence: [{ name: "evidence", required: true, kind: { type: "json", maxBytes: 8192 } }],
  tx: [hash, bool("prove")],
  tx_search: search,
  block_search: [query, int("page"), int("per_page"), orderBy],
  abci_info: [],
  abci_query: [str("path", 256, true), str("data", 8192, false, /^[0-9a-fA-F]*$/), height, bool("prove")],
  consensus_state: [],
  rpc_discover: [],
  subscribe: [query],
  unsubscribe: [query],
  unsubscribe_all: [],
  // every app query (`<module>_<query>`), declared by its module manifest
  ...appQueryParams(),
};

/** Methods that act on a WebSocket connection's subscriptions; over HTTP they are refused. */
export const SESSION_METHODS = new Set(["subscribe", "unsubscribe", "unsubscribe_all"]);
