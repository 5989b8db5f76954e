// Turns committed blocks into CometBFT-shaped events and hands them to the subscriptions whose
// query matches: tm.event='NewBlock' and 'NewBlockHeader' once per block, tm.event='Tx' once per tx.
import type { Chain, CommittedBlockEvent } from "../node/chain.ts";
import { blockJson, b64, headerJson } from "./cometShapes.ts";
import { eventMap, eventsObject, matches, type Query } from "./query.ts";
import { txResultJson } from "./txJson.ts";

export type Subscriber = { query: Query; deliver(result: unknown): void };

export class EventBus {
  private readonly subs = new Set<Subscriber>();

  constructor(chain: Chain) {
    chain.on("block", (b) => this.publish(b));
  }

  subscribe(s: Subscriber): () => void {
    this.subs.add(s);
    return () => this.subs.delete(s);
  }

  get size(): number {
    return this.subs.size;
  }

  private publish(b: CommittedBlockEvent): void {
    if (this.subs.size === 0) return;
    const height = String(b.height);
    const blockEvents = eventMap(b.events, { "tm.event": "NewBlock", "block.height": height });
    const headerEvents = eventMap([], { "tm.event": "NewBlockHeader", "block.height": height });
    let newBlock: unknown;
    let newHeader: unknown;
    for (const s of this.subs) {
      if (matches(s.query, headerEvents)) {
        // CosmJS's subscribeNewBlockHeader: the header alone
        newHeader ??= {
          data: { type: "tendermint/event/NewBlockHeader", value: { header: headerJson(b.block.header) } },
          events: eventsObject(headerEvents),
        };
        s.deliver({ ...(newHeader as object), query: s.query.text });
        continue;
      }
      if (!matches(s.query, blockEvents)) continue;
      newBlock ??= (() => {
        const shaped = blockJson(b.blockId, b.block);
        const finalize = {
          events: b.events.map((e) => ({
            type: e.type,
            attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })),
          })),
          txs_results: b.results.map((r) =>
            txResultJson({ ...r, gasWanted: String(r.gasWanted), gasUsed: String(r.gasUsed) }),
          ),
          validator_updates: [],
          app_hash: b64(b.block.header.stateRoot),
        };
        return {
          query: "",
          data: {
            type: "tendermint/event/NewBlock",
            value: { block: shaped.block, block_id: shaped.block_id, result_finalize_block: finalize },
          },
          events: eventsObject(blockEvents),
        };
      })();
      s.deliver({ ...(newBlock as object), query: s.query.text });
    }
    // Per-tx events cost a map per tx: build them only if some subscription can match a Tx event
    // (a query pinned to tm.event='NewBlock' cannot).
    const txSubs = [...this.subs].filter(
      (s) => !s.query.conditions.some((c) => c.key === "tm.event" && c.op === "=" && c.value !== "Tx"),
    );
    if (txSubs.length === 0) return;
    b.results.forEach((r, index) => {
      const ev = eventMap(r.events, { "tm.event": "Tx", "tx.hash": r.hash, "tx.height": height });
      for (const s of txSubs) {
        if (!matches(s.query, ev)) continue;
        s.deliver({
          query: s.query.text,
          data: {
            type: "tendermint/event/Tx",
            value: {
              TxResult: {
                height,
                index,
                tx: b64(b.txs[index]),
                result: txResultJson({ ...r, gasWanted: String(r.gasWanted), gasUsed: String(r.gasUsed) }),
              },
            },
          },
          events: eventsObject(ev),
        });
      }
    });
  }
}
