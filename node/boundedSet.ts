/** A Set that forgets its oldest entries past `max`: caches that must not grow without bound. */
export class BoundedSet<T> {
  private readonly set = new Set<T>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  has(v: T): boolean {
    return this.set.has(v);
  }
  add(v: T): void {
    if (this.set.has(v)) return;
    this.set.add(v);
    if (this.set.size > this.max) {
      const oldest = this.set.values().next().value as T;
      this.set.delete(oldest);
    }
  }
  delete(v: T): void {
    this.set.delete(v);
  }
  get size(): number {
    return this.set.size;
  }
}
