// Answers checked against headers the light client verified: an `abci_query` "/store" value, or
// the absence of the key, with its proof against the state root of its height (our header H
// carries the state root after block H), and a committed tx with its inclusion proof against its
// header's data_hash.
import { verifyStoreProof } from "../proof.ts";
import { verifyTxProof } from "../../consensus/txProof.ts";
import { txsHashOf } from "../../consensus/blockHashes.ts";
import { sha256 } from "../../state/crypto/hash.ts";
import type { LightClient } from "./lightClient.ts";
import { LightClientError } from "./lightClientError.ts";

type StoreResponse = {
  key: string;
  value: string;
  height: string;
  proofOps: { ops: { type: string; key: string; data: string }[] } | null;
};
type TxResponse = {
  hash: string;
  height: string;
  index: number;
  tx: string;
  proof?: {
    root_hash: string;
    data: string;
    proof: { total: string; index: string; leaf_hash: string; aunts: string[] };
  };
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

/**
 * The verified value of an abci_query "/store" answer (null: the key is proven to hold no value)
 * and the height it is proven at.
 */
export async function verifyStoreResponse(
  lc: LightClient,
  r: StoreResponse,
  expectedKey?: Uint8Array,
): Promise<{ value: Uint8Array | null; height: number }> {
  if (expectedKey && r.key !== Buffer.from(expectedKey).toString("base64"))
    throw new LightClientError("invalid_proof", "the node answered for another key than the one asked");
  if (!r.proofOps) throw new LightClientError("invalid_proof", "the node sent no proof (ask abci_query with prove)");
  const height = Number(r.height);
  const b = await lc.verifyHeight(height);
  const proven = verifyStoreProof(hex(b.header.stateRoot), r.key, r.value, r.proofOps);
  if (!proven)
    throw new LightClientError(
      "invalid_proof",
      `the proof of the answer (${r.value ? "a value" : "no value"}) does not lead to the state root of verified header ${height}`,
    );
  return { value: proven.value, height };
}

/** A `tx` answer (asked with prove=true) checked against its verified header's data_hash. */
export async function verifyTxResponse(lc: LightClient, r: TxResponse): Promise<{ height: number }> {
  if (!r.proof) throw new LightClientError("invalid_proof", "the node sent no proof (ask tx with prove=true)");
  const height = Number(r.height);
  const b = await lc.verifyHeight(height);
  const tx = new Uint8Array(Buffer.from(r.tx, "base64"));
  if (r.proof.data !== r.tx)
    throw new LightClientError("invalid_proof", "the proof is for other bytes than the tx returned");
  if (hex(sha256(tx)) !== r.hash.toUpperCase())
    throw new LightClientError("invalid_proof", "the tx returned does not hash to the hash asked");
  const p = r.proof.proof;
  const ok = verifyTxProof(b.header.txsHash, tx, {
    total: Number(p.total),
    index: Number(p.index),
    leafHash: new Uint8Array(Buffer.from(p.leaf_hash, "base64")),
    aunts: p.aunts.map((a) => new Uint8Array(Buffer.from(a, "base64"))),
  });
  if (!ok || Number(p.index) !== r.index)
    throw new LightClientError(
      "invalid_proof",
      `the tx proof does not lead to the data_hash of verified header ${height}`,
    );
  return { height };
}

type BlockResponse = {
  block_id: { hash: string };
  block: { header: { height: string }; data: { txs: string[] | null } };
};

/** A `block` answer: its id is a verified header's, and its txs are the ones that header's data_hash commits to. */
export async function verifyBlockResponse(lc: LightClient, r: BlockResponse): Promise<{ height: number }> {
  const height = Number(r.block.header.height);
  const b = await lc.verifyHeight(height);
  if (r.block_id.hash.toUpperCase() !== hex(b.hash))
    throw new LightClientError(
      "forged_header",
      `block ${height} served is ${r.block_id.hash}, the verified header is ${hex(b.hash)}`,
    );
  const txs = (r.block.data.txs ?? []).map((t) => new Uint8Array(Buffer.from(t, "base64")));
  if (Buffer.compare(txsHashOf(txs), b.header.txsHash) !== 0)
    throw new LightClientError(
      "invalid_proof",
      `the txs served with block ${height} are not the ones its verified header commits to`,
    );
  return { height };
}
