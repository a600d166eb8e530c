import { describe, expect, it } from "vitest";
import { DEV_SERVER_ENV, langsmithTracing } from "./studio-process.js";

describe("the dev server's environment", () => {
  it("keeps analytics and the browser off, and leaves LangSmith tracing to the user", () => {
    expect(Object.keys(DEV_SERVER_ENV).filter((name) => name.includes("TRACING") || name.startsWith("LANGSMITH_"))).toEqual([]);
    expect(DEV_SERVER_ENV).toMatchObject({ LANGGRAPH_CLI_NO_ANALYTICS: "1", BROWSER: "none" });
  });

  it("reads tracing by the langsmith client's rule", () => {
    expect(langsmithTracing({})).toEqual({ on: false });
    expect(langsmithTracing({ LANGSMITH_TRACING: "false", LANGSMITH_API_KEY: "k" })).toEqual({ on: false });
    expect(langsmithTracing({ LANGSMITH_TRACING: "true" })).toEqual({ on: true, endpoint: "https://api.smith.langchain.com", project: "default" });
    expect(langsmithTracing({ LANGCHAIN_TRACING_V2: "true", LANGCHAIN_ENDPOINT: "https://eu.api.smith.langchain.com", LANGSMITH_PROJECT: "p" })).toEqual({
      on: true,
      endpoint: "https://eu.api.smith.langchain.com",
      project: "p",
    });
    // The LANGSMITH_ name wins over the LANGCHAIN_ one.
    expect(langsmithTracing({ LANGSMITH_TRACING: "false", LANGCHAIN_TRACING: "true" })).toEqual({ on: false });
  });
});
