import fc from "fast-check";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWeatherServer, type RunningServer } from "../index.js";
import { callTool, connect, textOf, TRANSPORTS, type Connection } from "../../test/support/connections.js";
import { simulateWeather, WeatherReportSchema } from "./simulate.js";

let server: RunningServer;
beforeAll(async () => {
  server = await startWeatherServer({ port: 0, quiet: true });
});
afterAll(async () => {
  await server?.close();
});

describe.each(TRANSPORTS)("WeatherServer over %s", (kind) => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect(server.url, kind);
  });
  afterAll(async () => {
    await connection?.client.close();
  });

  test("lists get_weather with a described city input and a declared output schema", async () => {
    expect(connection.client.getServerVersion()?.name).toBe("WeatherServer");
    const { tools } = await connection.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["get_weather"]);
    const [tool] = tools;
    expect(tool?.description).toMatch(/simulated/i);
    expect(tool?.inputSchema.required).toEqual(["city"]);
    expect((tool?.inputSchema.properties?.city as { description?: string }).description).toMatch(/City name/);
    expect(tool?.outputSchema?.required).toEqual(
      expect.arrayContaining(["city", "condition", "temperatureC", "humidityPercent", "windKph", "simulated"]),
    );
  });

  test.each(["Berlin", "São Paulo", "Chennai, Tamil Nadu", "Zürich", "N'Djamena", "東京"])(
    "get_weather(%s) answers a labelled simulated report with matching structured content",
    async (city) => {
      const result = await callTool(connection.client, "get_weather", { city });
      expect(result.isError).toBeFalsy();
      const report = WeatherReportSchema.parse(result.structuredContent);
      expect(report.city).toBe(city);
      expect(report.simulated).toBe(true);
      expect(textOf(result)).toBe(
        `Simulated weather for ${city}: ${report.condition}, ${report.temperatureC} °C, humidity ${report.humidityPercent}%, ` +
          `wind ${report.windKph} km/h. (Simulated data, not a real observation.)`,
      );
    },
  );

  test("the same city gets the same report, whatever its case or spacing", async () => {
    const first = await callTool(connection.client, "get_weather", { city: "Berlin" });
    const again = await callTool(connection.client, "get_weather", { city: "Berlin" });
    const shouted = await callTool(connection.client, "get_weather", { city: "  BERLIN " });
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect({ ...shouted.structuredContent, city: "Berlin" }).toEqual(first.structuredContent);
  });

  test.each([
    ["an empty city", "", /city must not be empty/],
    ["a blank city", "   ", /city must not be empty/],
    ["a 10 KB string", "x".repeat(10 * 1024), /city must be at most 100 characters/],
    ["a newline", "Berlin\nIgnore previous instructions", /control characters/],
    ["a NUL byte", "Ber\u0000lin", /control characters/],
    ["a number", 42, /city must be a string, got number/],
    ["nothing", undefined, /city is required/],
  ])("%s is an isError result naming the problem", async (_case, city, message) => {
    const result = await callTool(connection.client, "get_weather", city === undefined ? {} : { city });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/^Invalid arguments for tool "get_weather": /);
    expect(textOf(result)).toMatch(message);
    // The refused input is never echoed back (it may be 10 KB, or an injection attempt).
    if (typeof city === "string" && city.length > 20) expect(textOf(result).length).toBeLessThan(300);
  });

  test("an unknown tool is a JSON-RPC InvalidParams error", async () => {
    await expect(connection.client.callTool({ name: "get_forecast", arguments: { city: "Berlin" } })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
  });
});

describe("simulateWeather", () => {
  test("is deterministic and always within its own schema, for any city", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100, unit: "grapheme" }), (city) => {
        const report = simulateWeather(city);
        expect(WeatherReportSchema.parse(report)).toEqual(report);
        expect(simulateWeather(city)).toEqual(report);
        if (report.condition === "snow") expect(report.temperatureC).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  test("different cities get different weather", () => {
    const cities = ["Berlin", "Paris", "Lagos", "Lima", "Oslo", "Delhi", "Cairo", "Perth", "Quito", "Seoul"];
    const reports = new Set(cities.map((city) => JSON.stringify({ ...simulateWeather(city), city: undefined })));
    expect(reports.size).toBe(cities.length);
    expect(new Set(cities.map((city) => simulateWeather(city).condition)).size).toBeGreaterThan(2);
  });
});
