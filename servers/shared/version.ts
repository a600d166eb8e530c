import packageJson from "../../package.json" with { type: "json" };

/** Reported as `serverInfo.version` and by `/healthz`; package.json is the single source. */
export const SERVER_VERSION: string = packageJson.version;
