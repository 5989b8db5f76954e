import { describe, expect, it } from "vitest";
import { FEE_COLLECTOR, isBlockedAddress } from "#state/moduleAccounts.ts";
import { Registry, setRegistry, strategyAccount, StrategyKind } from "#state/modules/strategy/store.ts";
import { MemoryStore, Overlay } from "#state/store/overlay.ts";

// isBlockedAddress memoizes the strategies' accounts on the registry's bytes: a registry change
// (a strategy added or renamed by governance) must be seen at once, in the overlay that made it
// and in a fresh read of the committed bytes.
const def = (id: string) => ({
  id: new TextEncoder().encode(id),
  kind: StrategyKind.Service,
  rewardRate: 0n,
  slashFraction: 0n,
  downtimeSlashFraction: 0n,
});

describe("module accounts", () => {
  it("a strategy's account is blocked exactly while the registry names it", () => {
    const base = new MemoryStore();
    const o = new Overlay(base);
    const [x, y] = [strategyAccount("x"), strategyAccount("y")];
    expect(isBlockedAddress(o, FEE_COLLECTOR)).toBe(true);
    expect(isBlockedAddress(o, x)).toBe(false);
    setRegistry(o, [def("x")]);
    expect(isBlockedAddress(o, x)).toBe(true);
    expect(isBlockedAddress(o, y)).toBe(false);
    // a tx's child overlay renames it; the parent still has the old registry until the flush
    const c = o.child();
    setRegistry(c, [def("y")]);
    expect(isBlockedAddress(c, x)).toBe(false);
    expect(isBlockedAddress(c, y)).toBe(true);
    expect(isBlockedAddress(o, x)).toBe(true);
    c.flushToParent();
    expect(isBlockedAddress(o, y)).toBe(true);
    expect(isBlockedAddress(o, x)).toBe(false);
    // committed, then read back as a new array with the same content (a LevelDB read)
    base.apply(o.changes());
    const copy = new Overlay({ get: (k) => (base.get(k) ? Uint8Array.from(base.get(k)!) : undefined) });
    expect(isBlockedAddress(copy, y)).toBe(true);
    expect(isBlockedAddress(copy, x)).toBe(false);
    const back = new Overlay(base);
    setRegistry(back, Registry.deserialize(Registry.serialize([def("x"), def("y")])));
    expect(isBlockedAddress(back, x)).toBe(true);
    expect(isBlockedAddress(back, y)).toBe(true);
  });
});
