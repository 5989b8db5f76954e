// Every rule the chain enforces has one stable numeric code here. Codes are part of the
// protocol surface (RPC returns them in `data.code`, tx results store them), so a code is
// never reused or renumbered: retire it in a comment instead.

export const ErrorCode = {
  // an unexpected fault while executing a tx's messages (a bug, caught like Cosmos' runTx
  // recovers a panic): the tx fails, its message writes are dropped, fee and nonce are charged
  Internal: 1,
  // encoding / tx envelope (1xx)
  TxTooLarge: 101,
  TxMalformed: 102,
  TxNonCanonical: 103,
  WrongChainId: 104,
  BadSignature: 105,
  BadPublicKey: 106,
  NonceTooLow: 107,
  NonceTooHigh: 108,
  FeeTooLow: 109,
  InsufficientFee: 110,
  NoMessages: 111,
  TooManyMessages: 112,
  MemoTooLong: 113,
  UnknownMessage: 114,
  InvalidAmount: 115,
  InvalidAddress: 116,
  Unauthorized: 117,
  InvalidParams: 118,
  // bank (2xx)
  InsufficientFunds: 201,
  UnknownDenom: 202,
  SendToModuleAccount: 203,
  SupplyOverflow: 204,
  // genesis / config (3xx)
  InvalidGenesis: 301,
  GenesisMismatch: 302,
  InvalidConfig: 303,
  // mempool (4xx)
  MempoolFull: 401,
  TxAlreadyInMempool: 402,
  NonceGapTooLarge: 403,
  SenderQueueFull: 404,
  TxAlreadyCommitted: 405,
  /** accepted once, then dropped uncommitted (TTL, a dropped earlier nonce, eviction): resubmit */
  TxExpired: 406,
  // staking (6xx)
  ValidatorExists: 601,
  UnknownValidator: 602,
  ValidatorTombstoned: 603,
  InvalidCommission: 604,
  SelfStakeTooLow: 605,
  InsufficientShares: 606,
  TooManyUnbondingEntries: 607,
  ConsensusKeyInUse: 608,
  NoDelegation: 609,
  ValidatorNotJailed: 610,
  JailPeriodNotOver: 611,
  TransitiveRedelegation: 612,
  SelfRedelegation: 613,
  CommissionChangeTooSoon: 614,
  /** the validator has shares but no tokens (slashed to zero): its exchange rate is undefined */
  InvalidExchangeRate: 615,
  /** one consensus-key rotation per unbonding period (the old key stays slashable that long) */
  RotationTooSoon: 616,
  // slashing (8xx)
  InvalidEvidence: 801,
  // lst (9xx)
  LstHalted: 901,
  UnknownRequest: 902,
  NotRequestOwner: 903,
  AlreadyClaimed: 904,
  RequestNotMature: 905,
  NoActiveValidators: 906,
  /** ststra exists but nothing backs it (every pooled stake slashed away): deposits wait */
  NoBacking: 907,
  /** the first deposit must mint more than the dead shares it locks for good */
  FirstDepositTooSmall: 908,
  // strategy / lrt (10xx)
  UnknownStrategy: 1001,
  NotAnOperator: 1002,
  SlippageExceeded: 1003,
  PoolDrained: 1004,
  InvalidWeights: 1005,
  AlreadyOptedIn: 1006,
  NoLiquidity: 1007,
  /** rststra exists but its strategies' positions were slashed to nothing: deposits wait */
  LrtNoBacking: 1008,
  FirstRestakeTooSmall: 1010,
  // distribution (7xx)
  NotValidatorOperator: 701,
  // blocks (5xx)
  InvalidBlock: 501,
  BlockNotFound: 502,
  TxNotFound: 503,
  // node health (the `health` RPC)
  NodeCatchingUp: 504,
  NoRecentBlock: 505,
  /** a past height outside what the node retains (pruning, minRetainBlocks): the message names the window */
  HeightNotRetained: 506,
  /** a Merkle proof asked for a state this node can read but not prove (a past height) */
  ProofNotAvailable: 507,
  // search (tx_search, block_search) and the indexer behind it
  /** config indexer.kind is "null": this node keeps no search index */
  IndexingDisabled: 508,
  /** indexer.kind is "psql" and its database cannot answer now (down, unreachable) */
  IndexerUnavailable: 509,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const codeNames = new Map<number, string>(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

/** Name of a code, e.g. 201 -> "InsufficientFunds". */
export function errorName(code: number): string {
  return codeNames.get(code) ?? "Unknown";
}

/** The one error type the state machine throws for a broken rule. Anything else is a bug. */
export class StrataError extends Error {
  readonly code: ErrorCodeValue;
  readonly codespace: string;
  constructor(code: ErrorCodeValue, message: string, codespace = "strata") {
    super(message);
    this.name = "StrataError";
    this.code = code;
    this.codespace = codespace;
  }
  /** `InsufficientFunds(201): need 5 stra, have 3` */
  override toString(): string {
    return `${errorName(this.code)}(${this.code}): ${this.message}`;
  }
}

export function isStrataError(e: unknown): e is StrataError {
  return e instanceof StrataError;
}
