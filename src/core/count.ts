/**
 * One rule for every "how many" a user or a stored setting asks for: missing or not a finite
 * number means the default; anything else is floored into 1..max.
 *
 * @example
 * clampCount(undefined, 5, 10) // 5
 * clampCount(2.7, 5, 10) // 2
 * clampCount(50, 5, 10) // 10
 * clampCount(0, 5, 10) // 1
 */
export function clampCount(count: number | undefined, fallback: number, max: number): number {
  if (count === undefined || !Number.isFinite(count)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(count)));
}
