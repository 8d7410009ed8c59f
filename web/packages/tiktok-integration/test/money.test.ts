import { describe, expect, it } from "vitest";
import { formatMoney, isDecimalString } from "../src";

describe("formatMoney: the digits sent are the digits shown", () => {
  it.each([
    ["1234567.5", "USD", "$1,234,567.50"],
    ["7.50", "GBP", "£7.50"],
    ["0", "EUR", "€0.00"],
    ["0.125", "GBP", "£0.125"],
    ["11.305", "USD", "$11.305"],
    ["1234", "JPY", "¥1,234"],
    ["1234.5", "JPY", "¥1,234.5"],
    ["00012.3", "USD", "$12.30"],
    ["-5", "USD", "-$5.00"],
    ["-0.00", "USD", "$0.00"],
  ])("%s %s → %s", (amount, currency, shown) => {
    expect(formatMoney(amount, currency)).toBe(shown);
  });

  it("keeps every digit of values far beyond a float's 15–17 significant digits", () => {
    const amount = "123456789012345678901234567890.123456789012345678";
    expect(formatMoney(amount, "USD")).toBe("$123,456,789,012,345,678,901,234,567,890.123456789012345678");
    // What a float (and Intl.NumberFormat on the string) would have shown instead:
    expect(new Intl.NumberFormat("en", { style: "currency", currency: "USD" }).format(Number(amount))).not.toContain("567,890.12");
    expect(formatMoney("9007199254740993.01", "EUR")).toBe("€9,007,199,254,740,993.01");
  });

  it("writes each currency its own way and never converts one into another", () => {
    const shown = [formatMoney("10.10", "USD"), formatMoney("10.10", "GBP"), formatMoney("10.10", "EUR"), formatMoney("10.10", "CAD")];
    expect(shown).toEqual(["$10.10", "£10.10", "€10.10", "CA$10.10"]);
    expect(formatMoney("1234.5", "EUR", "de")).toMatch(/^1\.234,50\s€$/);
  });

  it("shows what it cannot read as it came, never a guess", () => {
    expect(formatMoney("12.30", "not a code")).toBe("12.30 not a code");
    expect(formatMoney("1e3", "USD")).toBe("1e3 USD");
    expect(formatMoney("NaN", "USD")).toBe("NaN USD");
    expect(isDecimalString("1,000")).toBe(false);
    expect(isDecimalString("1000.01")).toBe(true);
  });
});
