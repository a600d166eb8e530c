import { describe, expect, it } from "vitest";
import { defaultServers, readSettings } from "./index.js";

describe("readSettings", () => {
  it("defaults to our servers on loopback at their well-known ports, offline", () => {
    const settings = readSettings({});
    expect(settings.servers).toEqual({ host: "127.0.0.1", ports: { math: 58000, weather: 58001 } });
    expect(settings.model).toEqual({});
    expect(defaultServers(settings.servers)).toEqual({
      math: { url: "http://127.0.0.1:58000/mcp" },
      weather: { url: "http://127.0.0.1:58001/mcp" },
    });
  });

  it("reads ports, host, token and stores; treats empty variables as unset", () => {
    const settings = readSettings({
      MATH_SERVER_PORT: "1",
      WEATHER_SERVER_PORT: "",
      MCP_HOST: "::1",
      MCP_AUTH_TOKEN: "0123456789abcdef",
      MCP_GRAPH_DB: "/tmp/threads.db",
      POSTGRES_URI: "postgresql://u@127.0.0.1:5432/db",
      OPENAI_API_KEY: "",
    });
    expect(settings).toEqual({
      model: {},
      servers: { host: "::1", ports: { math: 1, weather: 58001 }, authToken: "0123456789abcdef" },
      db: "/tmp/threads.db",
      postgresUri: "postgresql://u@127.0.0.1:5432/db",
    });
    expect(defaultServers(settings.servers).math).toEqual({
      url: "http://[::1]:1/mcp",
      headers: { Authorization: "Bearer 0123456789abcdef" },
    });
  });

  it("connects to loopback when the servers bind a wildcard address", () => {
    expect(readSettings({ MCP_HOST: "0.0.0.0" }).servers.host).toBe("127.0.0.1");
    expect(readSettings({ MCP_HOST: "::" }).servers.host).toBe("::1");
  });

  it("reads each provider's credentials by the variable its own client reads", () => {
    const model = readSettings({
      OPENAI_API_KEY: "sk-o",
      ANTHROPIC_API_KEY: "sk-a",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9000",
      GOOGLE_API_KEY: "g",
      GROQ_API_KEY: "gq",
      MISTRAL_API_KEY: "",
      OLLAMA_BASE_URL: "http://gpu-box:11434",
      OLLAMA_HOST: "ignored-when-the-url-is-set",
    }).model;
    expect(model).toEqual({
      OPENAI_API_KEY: "sk-o",
      ANTHROPIC_API_KEY: "sk-a",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9000",
      GOOGLE_API_KEY: "g",
      GROQ_API_KEY: "gq",
      OLLAMA_BASE_URL: "http://gpu-box:11434",
    });
  });

  it("reads OLLAMA_HOST as the Ollama CLI does: port 11434 unless given, loopback for a wildcard", () => {
    const url = (host: string) => readSettings({ OLLAMA_HOST: host }).model.OLLAMA_BASE_URL;
    expect(url("0.0.0.0")).toBe("http://127.0.0.1:11434");
    expect(url(":5000")).toBe("http://127.0.0.1:5000");
    expect(url("gpu-box")).toBe("http://gpu-box:11434");
    expect(url("https://ollama.example.com")).toBe("https://ollama.example.com");
    expect(url("http://[::]:11434")).toBe("http://[::1]:11434");
    expect(() => readSettings({ OLLAMA_HOST: "ftp://x" })).toThrow(/^OLLAMA_HOST must be a host, host:port or http:\/\/ URL, got "ftp:\/\/x"/);
  });

  it("names the variable and the value it refuses", () => {
    expect(() => readSettings({ MATH_SERVER_PORT: "abc" })).toThrow('MATH_SERVER_PORT must be a port number (0-65535), got "abc"');
    expect(() => readSettings({ WEATHER_SERVER_PORT: "70000" })).toThrow(/^WEATHER_SERVER_PORT must be a port number/);
    expect(() => readSettings({ POSTGRES_URI: "mysql://x" })).toThrow(/^POSTGRES_URI must be a postgres:\/\//);
    expect(() => readSettings({ OPENAI_BASE_URL: "not a url" })).toThrow(/^OPENAI_BASE_URL must be an http/);
    expect(() => readSettings({ ANTHROPIC_BASE_URL: "localhost:9000" })).toThrow(/^ANTHROPIC_BASE_URL must be an http/);
  });
});
