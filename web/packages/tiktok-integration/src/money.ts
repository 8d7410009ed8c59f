/**
 * Money as the service sends it: exact decimal strings with their currency. Formatting never goes through a
 * binary float (Intl.NumberFormat rounds strings past 15–17 significant digits), so the digits shown are the
 * digits sent: the integer part grouped by thousands, every decimal kept (padded to the currency's minor
 * units, never rounded), and the currency's symbol placed as the locale places it.
 */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** True when `value` is a plain decimal string (`"12"`, `"-0.5"`, `"1234567890123456789.0001"`). */
export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value.trim());
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

interface CurrencyPattern {
  prefix: string;
  suffix: string;
  minorDigits: number;
  group: string;
  decimal: string;
}

const patterns = new Map<string, CurrencyPattern | null>();

/** How the locale writes this currency (symbol before or after, minor units); null for an unknown code. */
function currencyPattern(currency: string, locale: string): CurrencyPattern | null {
  const key = `${locale}|${currency}`;
  const known = patterns.get(key);
  if (known !== undefined) return known;
  let pattern: CurrencyPattern | null = null;
  if (/^[A-Za-z]{3}$/.test(currency)) {
    try {
      const format = new Intl.NumberFormat(locale, { style: "currency", currency });
      // Only the layout is read from Intl (on 1, which every format writes exactly); the digits are ours.
      const parts = format.formatToParts(1);
      const at = parts.findIndex((p) => p.type === "integer");
      const text = (from: number, to: number) =>
        parts
          .slice(from, to)
          .filter((p) => p.type === "currency" || p.type === "literal")
          .map((p) => p.value)
          .join("");
      let last = at;
      parts.forEach((p, i) => {
        if (p.type === "integer" || p.type === "fraction" || p.type === "decimal") last = i;
      });
      const separators = new Intl.NumberFormat(locale, { minimumFractionDigits: 1 }).formatToParts(1000.5);
      pattern = {
        prefix: text(0, at),
        suffix: text(last + 1, parts.length),
        minorDigits: format.resolvedOptions().maximumFractionDigits ?? 2,
        group: separators.find((p) => p.type === "group")?.value ?? ",",
        decimal: separators.find((p) => p.type === "decimal")?.value ?? ".",
      };
    } catch {
      pattern = null;
    }
  }
  patterns.set(key, pattern);
  return pattern;
}

/**
 * `"1234567.5"`, `"USD"` → `"$1,234,567.50"`; `"0.125"`, `"GBP"` → `"£0.125"` (never rounded). A string that is
 * not a decimal, or a currency code Intl does not know, is shown as it came (`"12.30 XTS"` style), never guessed.
 */
export function formatMoney(amount: string, currency: string, locale = "en"): string {
  const match = DECIMAL.exec(amount.trim());
  const pattern = currencyPattern(currency.trim().toUpperCase(), locale);
  if (!match) return `${amount} ${currency}`.trim();
  const [, sign = "", whole = "0", fraction = ""] = match;
  const integer = groupThousands(whole.replace(/^0+(?=\d)/, ""), pattern?.group ?? ",");
  const minor = pattern?.minorDigits ?? 0;
  const decimals = fraction.length >= minor ? fraction : fraction.padEnd(minor, "0");
  const digits = decimals ? `${integer}${pattern?.decimal ?? "."}${decimals}` : integer;
  const negative = sign === "-" && /[1-9]/.test(`${whole}${fraction}`) ? "-" : "";
  if (!pattern) return `${negative}${digits} ${currency}`;
  return `${negative}${pattern.prefix}${digits}${pattern.suffix}`;
}
