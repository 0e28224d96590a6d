import { describe, expect, it } from "vitest";
import { receivedError } from "../src/domain/subject-access.js";

describe("the day a subject access request was received", () => {
  const today = "2026-12-05";

  it("is today or a day in the last year", () => {
    expect(receivedError(today, today)).toBe("");
    expect(receivedError("2025-12-04", today)).toBe("");
    expect(receivedError("2024-02-29", "2024-02-29")).toBe("");
  });

  it("is refused in the future, over a year ago, empty or not a real date", () => {
    expect(receivedError("2026-12-06", today)).toBe("The date must be today or earlier");
    expect(receivedError("2025-12-03", today)).toBe("The date must be within the last year");
    expect(receivedError("", today)).toBe("Enter the day the council received the request");
    expect(receivedError(null, today)).toBe("The day the request was received must be a real date");
  });
});
