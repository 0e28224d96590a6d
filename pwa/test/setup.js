// Unit tests run in Node: IndexedDB from fake-indexeddb, WebCrypto from Node itself.
// The app's clock is frozen, so no test depends on the day it runs. TEST_CLOCK
// picks the moment (a name from tests/fixtures/moments.json, shared with the
// server's tests, or an ISO moment); a test that needs its own sets it with setClock.
import { readFileSync } from "node:fs";
import "fake-indexeddb/auto";
import { beforeEach } from "vitest";
import { setClock } from "../src/clock.js";

const MOMENTS = JSON.parse(readFileSync(new URL("../../tests/fixtures/moments.json", import.meta.url), "utf8"));
const chosen = process.env.TEST_CLOCK || "month-end-midnight";
const FROZEN_AT = Date.parse(MOMENTS[chosen]?.at ?? chosen);
if (Number.isNaN(FROZEN_AT)) throw new Error(`TEST_CLOCK=${chosen} is neither a moment's name nor an ISO time`);

beforeEach(() => setClock(() => FROZEN_AT));
