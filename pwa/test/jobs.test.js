import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { finished, follow, statusTag } from "../src/ui/jobs.js";

describe("following a background job", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("shows each status until the job has finished, then stops asking", async () => {
    const answers = [{ status: "running" }, { status: "done" }];
    const fetch = vi.fn(async () => answers.shift());
    const shown = [];
    follow({ status: "queued" }, { fetch, show: (job) => shown.push(job.status), every: 10 });
    await vi.advanceTimersByTimeAsync(100);
    expect(shown).toEqual(["queued", "running", "done"]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("keeps watching through a failed fetch, and stop() ends it", async () => {
    let calls = 0;
    const fetch = vi.fn(async () => {
      calls += 1;
      if (calls === 1) throw new Error("offline for a moment");
      return { status: "running" };
    });
    const shown = [];
    const stop = follow({ status: "queued" }, { fetch, show: (job) => shown.push(job.status), every: 10 });
    await vi.advanceTimersByTimeAsync(25);
    expect(shown).toEqual(["queued", "queued", "running"]);
    stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(shown).toHaveLength(3);
  });

  it("stops when the screen has gone, and follows a list until every job has finished", async () => {
    let onScreen = true;
    const fetch = vi.fn(async () => [{ status: "done" }, { status: "running" }]);
    const shown = [];
    follow([{ status: "queued" }], {
      fetch,
      show: (jobs) => shown.push(jobs.map((job) => job.status).join()),
      settled: (jobs) => jobs.every(finished),
      active: () => onScreen,
      every: 10,
    });
    await vi.advanceTimersByTimeAsync(15);
    onScreen = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(shown).toEqual(["queued", "done,running"]);
  });

  it("names each status in plain English", () => {
    expect(String(statusTag("queued"))).toContain("Waiting");
    expect(String(statusTag("running"))).toContain("In progress");
    expect(String(statusTag("done"))).toContain("govuk-tag--green");
    expect(String(statusTag("failed"))).toContain("Failed");
  });
});
