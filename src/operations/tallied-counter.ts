import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter with one label, for events counted once per message or per delivered frame: each `inc`
 * adds to a plain number per label value, and the sums are handed to prom-client when the registry is scraped.
 * prom-client's own `inc` builds and hashes the label set on every call, which on these paths was an allocation and
 * a string per message. What a scrape shows is the same: the counter as of that scrape.
 */
export class TalliedCounter<Label extends string> {
  private readonly unscraped = new Map<string, number>();

  constructor(options: { name: string; help: string; labelName: Label; registry: Registry }) {
    const { name, help, labelName, registry } = options;
    const unscraped = this.unscraped;
    new Counter({
      name,
      help,
      labelNames: [labelName],
      registers: [registry],
      collect(this: Counter<Label>) {
        for (const [value, count] of unscraped) this.inc({ [labelName]: value } as Record<Label, string>, count);
        unscraped.clear();
      },
    });
  }

  /** Counts `by` (1 when absent) for the label's `value`. */
  inc(value: string, by = 1): void {
    this.unscraped.set(value, (this.unscraped.get(value) ?? 0) + by);
  }
}
