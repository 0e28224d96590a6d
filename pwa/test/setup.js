// Unit tests run in Node: IndexedDB from fake-indexeddb, WebCrypto from Node itself.
import "fake-indexeddb/auto";
