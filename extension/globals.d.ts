/// <reference types="vite/client" />
/** Replaced at build time by vite.config.ts `define`. */
declare const __LUMINA_DEFAULT_API_URL__: string;
declare const __LUMINA_INBOXSDK_APP_ID__: string;
