import { Counter, type Registry } from 'prom-client';

/** A counter registered in `registry` only, labelled by `labelNames` (provider ids and fixed words). */
export function counter<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/**
 * A metric's label children, each made once for its label values (label sets are few): updates
 * then skip prom-client's per-call label hashing. Only for metrics the library never resets (a
 * `reset()` would leave the kept children outside the metric).
 */
export function labelChildren<C>(make: (...values: string[]) => C): (...values: string[]) => C {
  const made = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = made.get(key);
    if (child === undefined) {
      child = make(...values);
      made.set(key, child);
    }
    return child;
  };
}
