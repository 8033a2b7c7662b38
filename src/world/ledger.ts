/**
 * Who bought what and when, per user, in time order: the purchase simulation appends to
 * it (so friends' recent purchases can be scanned backwards), and later stages (group
 * buys, gifts) ask it whether a user ever owns an item.
 */
export class PurchaseLedger {
  private readonly items: number[][];
  private readonly times: number[][];

  constructor(users: number) {
    this.items = new Array<number[]>(users);
    this.times = new Array<number[]>(users);
    for (let u = 0; u < users; u++) {
      this.items[u] = [];
      this.times[u] = [];
    }
  }

  /** Appends; callers add in non-decreasing time per user. */
  add(user: number, item: number, at: number): void {
    this.items[user].push(item);
    this.times[user].push(at);
  }

  owns(user: number, item: number): boolean {
    return this.items[user].includes(item);
  }

  /** The user's purchases, oldest first (parallel arrays; do not mutate). */
  itemsOf(user: number): readonly number[] {
    return this.items[user];
  }

  timesOf(user: number): readonly number[] {
    return this.times[user];
  }
}
