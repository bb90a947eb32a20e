/**
 * Every configuration-file handler `plimsoll config` dispatches to, in priority order (the first
 * handler that claims a file lints it). Add a file type with one line here.
 */
import { dockerfileHandler } from './dockerfile/index.js';
import { kubernetesHandler } from './kubernetes/index.js';
import type { ConfigHandler } from './handlers.js';

export const CONFIG_HANDLERS: readonly ConfigHandler[] = [dockerfileHandler, kubernetesHandler];
