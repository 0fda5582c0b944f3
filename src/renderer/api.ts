import type { ProvisionerApi } from '../preload/index.js';

declare global {
  interface Window {
    provisioner: ProvisionerApi;
  }
}

/** The preload's bridge; the renderer reaches main only through it. */
export function api(): ProvisionerApi {
  return window.provisioner;
}
