import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook, WebhookVerificationError } from "../src/webhooks";

// The reference vector of the Standard Webhooks specification's test suite.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const at = (seconds: number) => new Date(seconds * 1000);
const headers = (signature = SIGNATURE, timestamp = String(TIMESTAMP)) => ({
  "webhook-id": ID,
  "webhook-timestamp": timestamp,
  "webhook-signature": signature,
});

describe("webhooks", () => {
  it("signs the reference message with the reference signature", async () => {
    expect(await signWebhook(SECRET, ID, TIMESTAMP, BODY)).toBe(SIGNATURE);
  });

  it("verifies the reference delivery and returns the parsed body", async () => {
    await expect(verifyWebhook([SECRET], headers(), BODY, { now: at(TIMESTAMP) })).resolves.toEqual({
      test: 2432232314,
    });
  });

  it("refuses a changed body, a wrong secret and other versions", async () => {
    await expect(verifyWebhook([SECRET], headers(), '{"test": 2432232315}', { now: at(TIMESTAMP) })).rejects.toThrow(
      WebhookVerificationError,
    );
    const other = "whsec_" + btoa("x".repeat(32));
    await expect(verifyWebhook([other], headers(), BODY, { now: at(TIMESTAMP) })).rejects.toThrow(
      "no matching signature",
    );
    await expect(
      verifyWebhook([SECRET], headers(SIGNATURE.replace("v1,", "v2,")), BODY, { now: at(TIMESTAMP) }),
    ).rejects.toThrow("no matching signature");
  });

  it("accepts one matching entry among several and either secret during a rotation", async () => {
    const other = "whsec_" + btoa("y".repeat(32));
    const both = `${await signWebhook(other, ID, TIMESTAMP, BODY)} ${SIGNATURE}`;
    await expect(verifyWebhook([SECRET], headers(both), BODY, { now: at(TIMESTAMP) })).resolves.toBeTruthy();
    await expect(verifyWebhook([other, SECRET], headers(), BODY, { now: at(TIMESTAMP) })).resolves.toBeTruthy();
  });

  it("refuses timestamps outside the tolerance and missing headers", async () => {
    await expect(verifyWebhook([SECRET], headers(), BODY, { now: at(TIMESTAMP + 300) })).resolves.toBeTruthy();
    await expect(verifyWebhook([SECRET], headers(), BODY, { now: at(TIMESTAMP + 301) })).rejects.toThrow("too old");
    await expect(verifyWebhook([SECRET], headers(), BODY, { now: at(TIMESTAMP - 301) })).rejects.toThrow(
      "in the future",
    );
    await expect(verifyWebhook([SECRET], { "webhook-id": ID }, BODY, { now: at(TIMESTAMP) })).rejects.toThrow(
      "missing webhook headers",
    );
  });
});
