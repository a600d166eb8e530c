import type { Child } from "./child.js";
import type { ServersReady } from "./children/servers.js";
import type { Recorder } from "./report.js";

/** What every suite gets: where to record, how long to run, and the shared server child. */
export interface SuiteContext {
  recorder: Recorder;
  quick: boolean;
  /** Math, weather and floor servers in a child process, started once for the suites that need them. */
  servers: () => Promise<Child<ServersReady>>;
  log: (line: string) => void;
}

export interface Suite {
  name: string;
  run(context: SuiteContext): Promise<void>;
}
