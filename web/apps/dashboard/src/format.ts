/** Numbers and dates as the card shows them. */
const number = new Intl.NumberFormat("en");
const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const date = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/** 12,345 or "–" when unknown. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : number.format(value);
}

/** "Dec 4, 2026, 10:00 AM" in the browser's time zone. */
export function formatDateTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : dateTime.format(at);
}

/** "Dec 4, 2026". */
export function formatDate(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : date.format(at);
}

/** 0.0523 → "5.2 %". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
