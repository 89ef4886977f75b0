// Prefix search without scanning: a posting list per token plus the distinct tokens kept
// sorted, so a prefix is a binary-searched range. Postings are never pruned; callers
// re-check each candidate against its current tokens, which makes renames and deletions cheap.

/** Lower-case word tokens: letters and digits, split on everything else. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/** True when every query token is a prefix of at least one of `tokens`. */
export function matchesAll(tokens: readonly string[], query: readonly string[]): boolean {
  return query.every((q) => tokens.some((t) => t.startsWith(q)));
}

export class PrefixIndex {
  readonly #postings = new Map<string, string[]>();
  #sorted: string[] = [];
  #dirty = false;
  #bulk = false;

  /** While bulk loading, new tokens are appended and sorted once at the first query. */
  beginBulk(): void {
    this.#bulk = true;
  }

  endBulk(): void {
    this.#bulk = false;
  }

  add(id: string, tokens: Iterable<string>): void {
    for (const token of tokens) {
      const list = this.#postings.get(token);
      if (list) {
        list.push(id);
        continue;
      }
      this.#postings.set(token, [id]);
      if (this.#bulk || this.#dirty) {
        this.#sorted.push(token);
        this.#dirty = true;
      } else {
        this.#sorted.splice(this.#lowerBound(token), 0, token);
      }
    }
  }

  #ensureSorted(): void {
    if (!this.#dirty) return;
    this.#sorted.sort();
    this.#dirty = false;
  }

  #lowerBound(key: string): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#sorted[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Ids whose tokens start with `prefix`, in token order; may repeat an id or list stale ones. */
  *candidates(prefix: string): Generator<string> {
    this.#ensureSorted();
    for (let i = this.#lowerBound(prefix); i < this.#sorted.length; i++) {
      const token = this.#sorted[i] as string;
      if (!token.startsWith(prefix)) return;
      yield* this.#postings.get(token) ?? [];
    }
  }

  /** How many postings a prefix range holds, counting no further than `cap`. */
  count(prefix: string, cap = Number.POSITIVE_INFINITY): number {
    this.#ensureSorted();
    let total = 0;
    for (let i = this.#lowerBound(prefix); i < this.#sorted.length && total <= cap; i++) {
      const token = this.#sorted[i] as string;
      if (!token.startsWith(prefix)) break;
      total += this.#postings.get(token)?.length ?? 0;
    }
    return total;
  }

  get tokenCount(): number {
    return this.#postings.size;
  }
}
