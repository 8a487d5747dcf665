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
