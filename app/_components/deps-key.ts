/**
 * A key that changes exactly when a list of dependencies changes, React-style: plain values by
 * value, objects (arrays, typed arrays, files, sequences) by identity — a new object is a new key
 * even when it prints the same, and the same object is the same key however it changed inside.
 */
export class DepsKeys {
  private readonly ids = new WeakMap<object, number>();
  private next = 1;

  /** The key of `deps`. */
  key(deps: readonly unknown[]): string {
    return deps
      .map((d) => {
        if ((typeof d === 'object' && d !== null) || typeof d === 'function') {
          let id = this.ids.get(d);
          if (id === undefined) {
            id = this.next++;
            this.ids.set(d, id);
          }
          return `#${id}`;
        }
        return typeof d === 'string' ? JSON.stringify(d) : String(d);
      })
      .join('|');
  }
}
