import { describe, expect, it } from "vitest";

import { durationText, receiptGap, signedTimes, writtenTimes } from "../src/domain/record-times.js";

describe("the times a court reads", () => {
  it("takes the device's times, with the server's receipt beside them", () => {
    const note = {
      device_written_at: "2026-12-05T11:02:00Z",
      created_at: "2026-12-05T12:21:00Z",
      device_signed_at: "2026-12-05T12:16:00Z",
      signed_at: "2026-12-05T12:21:00Z",
    };
    expect(writtenTimes(note)).toEqual({ device: "2026-12-05T11:02:00Z", received: "2026-12-05T12:21:00Z" });
    expect(signedTimes(note)).toEqual({ device: "2026-12-05T12:16:00Z", received: "2026-12-05T12:21:00Z" });
  });

  it("flags a gap of more than five minutes either way, and not one of five", () => {
    const device = "2026-12-05T12:16:00Z";
    expect(receiptGap({ device, received: "2026-12-05T12:21:00Z" })).toEqual({ kind: "same", minutes: 0 });
    expect(receiptGap({ device, received: "2026-12-05T12:22:00Z" })).toEqual({ kind: "later", minutes: 6 });
    expect(receiptGap({ device, received: "2026-12-05T11:00:00Z" })).toEqual({ kind: "earlier", minutes: 76 });
    expect(receiptGap({ device, received: null })).toBeNull();
    expect(receiptGap({ device: null, received: "2026-12-05T12:21:00Z" })).toBeNull();
  });

  it("says a gap in plain English", () => {
    expect(durationText(1)).toBe("1 minute");
    expect(durationText(6)).toBe("6 minutes");
    expect(durationText(180)).toBe("3 hours");
    expect(durationText(3 * 24 * 60)).toBe("3 days");
  });
});
