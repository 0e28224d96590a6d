import { afterEach, describe, expect, it, vi } from "vitest";
import { DeviceStorage, storageRisks } from "../src/storage.js";

const MB = 1024 * 1024;

function browserStorage({ persisted = false, grant = false, usage = 5 * MB, quota = 2000 * MB } = {}) {
  const state = { persisted, grant, usage, quota, asked: 0 };
  vi.stubGlobal("navigator", {
    storage: {
      persist: async () => {
        state.asked += 1;
        state.persisted ||= state.grant;
        return state.persisted;
      },
      persisted: async () => state.persisted,
      estimate: async () => ({ usage: state.usage, quota: state.quota }),
    },
  });
  return state;
}

afterEach(() => vi.unstubAllGlobals());

describe("the device's storage", () => {
  it("asks the browser to keep the data and reads its answer", async () => {
    const browser = browserStorage({ grant: true });
    const storage = new DeviceStorage();
    expect(storage.known).toBe(false);
    await storage.askToKeep();
    expect(browser.asked).toBe(1);
    expect(storage).toMatchObject({ known: true, persisted: true, usage: 5 * MB, quota: 2000 * MB });
  });

  it("says it changed only when something moved", async () => {
    const browser = browserStorage();
    const storage = new DeviceStorage();
    const changed = vi.fn();
    storage.addEventListener("change", changed);
    await storage.refresh();
    await storage.refresh();
    expect(changed).toHaveBeenCalledTimes(1);
    browser.usage += MB;
    await storage.refresh();
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it("counts space as low below 50 MB or a tenth of what the browser allows", async () => {
    const browser = browserStorage({ usage: 1000 * MB, quota: 2000 * MB });
    const storage = await new DeviceStorage().refresh();
    expect(storage.low).toBe(false);
    browser.usage = 1850 * MB; // 150 MB left: less than a tenth
    expect((await storage.refresh()).low).toBe(true);
    Object.assign(browser, { usage: 60 * MB, quota: 100 * MB }); // 40 MB left
    expect((await storage.refresh()).low).toBe(true);
  });

  it("claims nothing where the browser does not say", async () => {
    vi.stubGlobal("navigator", {});
    const storage = await new DeviceStorage().askToKeep();
    expect(storage).toMatchObject({ known: true, persisted: false, quota: 0 });
    expect(storage.free).toBeNull();
    expect(storage.low).toBe(false);
  });
});

describe("what could cost the worker their work", () => {
  const kept = { known: true, persisted: true, low: false };
  const notKept = { known: true, persisted: false, low: false };

  it("is unsent changes on a device whose browser may clear them", () => {
    expect(storageRisks(notKept, 3)).toEqual({ unsentCouldBeLost: true, lowOnSpace: false });
    expect(storageRisks(notKept, 0).unsentCouldBeLost).toBe(false);
    expect(storageRisks(kept, 3).unsentCouldBeLost).toBe(false);
    expect(storageRisks({ known: false, persisted: false }, 3).unsentCouldBeLost).toBe(false);
  });

  it("is space running out, kept or not", () => {
    expect(storageRisks({ ...kept, low: true }, 0)).toEqual({ unsentCouldBeLost: false, lowOnSpace: true });
  });
});
