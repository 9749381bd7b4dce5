// A growable list of 32-bit integers: a scan's tokens and results are kept as numbers, which cost the garbage
// collector nothing, rather than as arrays of objects, which a large file has hundreds of thousands of.
export class Ints {
  data = new Int32Array(256);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

/** Numbers for the distinct objects of one scan (records, accessor names, values), so results can hold them as Ints. */
export class Numbered<T> {
  readonly list: T[] = [];
  private readonly ids = new Map<T, number>();

  id(v: T): number {
    let id = this.ids.get(v);
    if (id === undefined) this.ids.set(v, (id = this.list.push(v) - 1));
    return id;
  }
}
