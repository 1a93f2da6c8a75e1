/**
 * A pure function remembered per argument, for hot paths that see the same few arguments
 * over and over (field names, label values, env names across every object of a fleet).
 * Bounded: when `max` results are held, it forgets them all and starts over, so a long run
 * over many distinct values never grows without limit. `compute` must not return undefined.
 */
export function boundedMemo<K, V>(max: number, compute: (k: K) => V): (k: K) => V {
  const cache = new Map<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) {
      v = compute(k);
      if (cache.size >= max) cache.clear();
      cache.set(k, v);
    }
    return v;
  };
}
