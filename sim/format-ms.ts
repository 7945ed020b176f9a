/**
 * Simulated times in messages people read. Clock drift makes event times fractional
 * (1234.5678901 ms); a microsecond is finer than anything the simulator schedules on purpose, so
 * three decimals lose nothing a reader can use, and whole milliseconds print with none.
 */
export function formatMs(timeMs: number): string {
  return `${Math.round(timeMs * 1000) / 1000} ms`;
}
