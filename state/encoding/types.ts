// Canonical schemas of everything that is hashed or signed (SSZ, @chainsafe/ssz).
// One schema per object; TypeScript types are derived from them so the codec and the type
// cannot drift apart.
import "./hasher.ts";
import {
  ByteListType,
  ByteVectorType,
  ContainerType,
  ListCompositeType,
  UintBigintType,
  UintNumberType,
  type ValueOf,
} from "@chainsafe/ssz";

export const MAX_TX_BYTES = 64 * 1024;
export const MAX_MSGS_PER_TX = 16;
export const MAX_MEMO_BYTES = 256;
export const MAX_MSG_BYTES = 16 * 1024;
export const MAX_CHAIN_ID_BYTES = 64;
export const MAX_DENOM_BYTES = 16;
export const MAX_TXS_PER_BLOCK = 1 << 16;
export const MAX_VALIDATORS = 1024;

export const Bytes20 = new ByteVectorType(20);
export const Bytes32 = new ByteVectorType(32);
export const Bytes64 = new ByteVectorType(64);
export const Uint8 = new UintNumberType(1);
export const Uint32 = new UintNumberType(4);
/** Heights and times fit well inside 2^53; number keeps hot paths free of bigint. */
export const Uint64Num = new UintNumberType(8);
export const Uint64 = new UintBigintType(8);
/** Amounts: the type itself rejects anything >= 2^128. */
export const Uint128 = new UintBigintType(16);

/** A message is a type tag ("bank/send") and the SSZ bytes of that message kind, like Cosmos' Any. */
export const MsgEnvelope = new ContainerType(
  { type: new ByteListType(64), value: new ByteListType(MAX_MSG_BYTES) },
  { typeName: "MsgEnvelope" },
);

export const TxBody = new ContainerType(
  {
    chainId: new ByteListType(MAX_CHAIN_ID_BYTES),
    signer: Bytes32,
    nonce: Uint64,
    fee: Uint128,
    msgs: new ListCompositeType(MsgEnvelope, MAX_MSGS_PER_TX),
    memo: new ByteListType(MAX_MEMO_BYTES),
  },
  { typeName: "TxBody" },
);

export const SignedTx = new ContainerType({ body: TxBody, signature: Bytes64 }, { typeName: "SignedTx" });

export const Header = new ContainerType(
  {
    chainId: new ByteListType(MAX_CHAIN_ID_BYTES),
    height: Uint64Num,
    /** unix milliseconds, chosen by the proposer; the state machine's only clock */
    time: Uint64Num,
    lastBlockId: Bytes32,
    lastCommitHash: Bytes32,
    txsHash: Bytes32,
    /** state root after executing this block's txs */
    stateRoot: Bytes32,
    validatorsHash: Bytes32,
    nextValidatorsHash: Bytes32,
    evidenceHash: Bytes32,
    proposer: Bytes20,
  },
  { typeName: "Header" },
);

/** block_id_flag as in CometBFT: 1 absent, 2 commit, 3 nil */
export const BlockIdFlag = { Absent: 1, Commit: 2, Nil: 3 } as const;

export const CommitSig = new ContainerType(
  { flag: Uint8, validator: Bytes20, timestamp: Uint64Num, signature: Bytes64 },
  { typeName: "CommitSig" },
);

export const Commit = new ContainerType(
  {
    height: Uint64Num,
    round: Uint32,
    blockId: Bytes32,
    signatures: new ListCompositeType(CommitSig, MAX_VALIDATORS),
  },
  { typeName: "Commit" },
);

export const Block = new ContainerType(
  {
    header: Header,
    txs: new ListCompositeType(new ByteListType(MAX_TX_BYTES), MAX_TXS_PER_BLOCK),
    evidence: new ListCompositeType(new ByteListType(4096), 1024),
    lastCommit: Commit,
  },
  { typeName: "Block" },
);

export const Coin = new ContainerType(
  { denom: new ByteListType(MAX_DENOM_BYTES), amount: Uint128 },
  { typeName: "Coin" },
);

export const Account = new ContainerType(
  { nonce: Uint64, balances: new ListCompositeType(Coin, 8) },
  { typeName: "Account" },
);

/** What the tx index keeps per tx: where it landed and how it ended. */
export const TxResultRecord = new ContainerType(
  {
    height: Uint64Num,
    index: Uint32,
    code: Uint32,
    gasUsed: Uint64Num,
    log: new ByteListType(1024),
    events: new ByteListType(16 * 1024),
  },
  { typeName: "TxResultRecord" },
);

export type TxBodyValue = ValueOf<typeof TxBody>;
export type SignedTxValue = ValueOf<typeof SignedTx>;
export type HeaderValue = ValueOf<typeof Header>;
export type CommitValue = ValueOf<typeof Commit>;
export type CommitSigValue = ValueOf<typeof CommitSig>;
export type BlockValue = ValueOf<typeof Block>;
export type AccountValue = ValueOf<typeof Account>;
export type MsgEnvelopeValue = ValueOf<typeof MsgEnvelope>;
export type TxResultRecordValue = ValueOf<typeof TxResultRecord>;
