import type { ModelEnvironment } from "./model.js";

export interface ServerEndpoints {
  host?: string;
  mathPort?: number;
  weatherPort?: number;
}

/**
 * The settings the graph takes from the environment, read in one place by whoever creates the graph
 * (the CLI, the eval runner, `langgraph.json`'s module) so that nodes never read `process.env`.
 * @throws {RangeError} naming the variable when a port is not an integer in 0..65535.
 */
export function readEnvironment(env: Record<string, string | undefined>): { model: ModelEnvironment; endpoints: ServerEndpoints } {
  const port = (name: string) => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed > 65535) throw new RangeError(`${name} must be a port number (0-65535), got "${value}"`);
    return parsed;
  };
  return {
    model: { OPENAI_API_KEY: env.OPENAI_API_KEY || undefined, OPENAI_BASE_URL: env.OPENAI_BASE_URL || undefined },
    endpoints: { host: env.MCP_HOST || undefined, mathPort: port("MATH_SERVER_PORT"), weatherPort: port("WEATHER_SERVER_PORT") },
  };
}
