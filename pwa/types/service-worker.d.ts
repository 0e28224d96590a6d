// sw.js is a classic script whose `self` is the service worker's global scope;
// TypeScript's WebWorker library types `self` as any worker's. These lines
// give the worker scope the service worker's members (checked by tsconfig.sw.json only).

interface WorkerGlobalScope {
  readonly clients: Clients;
  readonly registration: ServiceWorkerRegistration;
  skipWaiting(): Promise<void>;
  addEventListener<K extends keyof ServiceWorkerGlobalScopeEventMap>(
    type: K,
    listener: (this: ServiceWorkerGlobalScope, event: ServiceWorkerGlobalScopeEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

/** Background Sync's event (Chromium only): not yet in TypeScript's library. */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}
interface ServiceWorkerGlobalScopeEventMap {
  sync: SyncEvent;
}
