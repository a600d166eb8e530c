import type { Child } from "./child.js";
import type { ServersReady } from "./children/servers.js";
import type { Recorder } from "./report.js";

export const MANY_SERVERS = 50;
export const TOOLS_PER_SERVER = 10;

/** What every suite gets: where to record, how long to run, and the shared server child. */
export interface SuiteContext {
  recorder: Recorder;
  quick: boolean;
  /** Math, weather and floor servers in a child process, started once for the suites that need them. */
  servers: () => Promise<Child<ServersReady>>;
  /**
   * {@link MANY_SERVERS} synthetic servers of {@link TOOLS_PER_SERVER} tools each, in one child process,
   * started once for the suites that need them.
   */
  manyServers: () => Promise<Child<{ urls: string[] }>>;
  log: (line: string) => void;
}

export interface Suite {
  name: string;
  run(context: SuiteContext): Promise<void>;
}
