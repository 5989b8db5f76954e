/**
 * A sync request refused for the asker's fault (it does not decode, or names no known kind): the
 * serving side penalizes the peer. Any other error while answering is this node's own, and costs
 * the asker nothing.
 */
export class SyncRequestRefused extends Error {
  override name = "SyncRequestRefused";
}
