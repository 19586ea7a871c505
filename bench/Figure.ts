/** One row of the benchmark table: a measured figure, with its target when the product's issue sets one. */
export interface Figure {
  scenario: string;
  figure: string;
  /** The measured value, already rounded for reading. */
  value: number;
  unit: string;
  /** The target as the issue states it, e.g. `< 150 MB`; absent for context figures. */
  target?: string;
  /** Whether the target is met; absent when there is no target. */
  met?: boolean;
}

/** What one scenario reports: its figures, and the exactly-once violations it found (empty when none). */
export interface ScenarioResult {
  figures: Figure[];
  failures: string[];
}

/** Rounds for the table and the JSON: 3 significant decimals are more than the noise allows. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
