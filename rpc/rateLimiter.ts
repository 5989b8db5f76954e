// A token bucket per client IP: refills `rate` per second, holds at most `rate`; a batch costs
// one token per request in it. 0 disables it.
export function rateLimiter(rate: number): (ip: string, cost: number) => boolean {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (ip, cost) => {
    if (rate <= 0) return true;
    const now = performance.now();
    let b = buckets.get(ip);
    if (!b) {
      if (buckets.size > 10_000) buckets.clear();
      buckets.set(ip, (b = { tokens: rate, at: now }));
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  };
}
