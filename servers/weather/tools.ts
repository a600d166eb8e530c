import { z } from "zod";
import { defineTool, type RegisteredTool } from "../shared/tool.js";
import { reportText, simulateWeather, WeatherReportSchema } from "./simulate.js";

const MAX_CITY_LENGTH = 100;

const WeatherInputSchema = z.strictObject({
  city: z
    .string({
      error: (issue) =>
        issue.input === undefined ? "city is required" : `city must be a string, got ${issue.input === null ? "null" : typeof issue.input}`,
    })
    .trim()
    .min(1, "city must not be empty; give a city name such as \"Berlin\"")
    .max(MAX_CITY_LENGTH, `city must be at most ${MAX_CITY_LENGTH} characters; give just the city name`)
    // Control characters never belong in a place name and are how prompt- and log-injection payloads travel.
    .refine((city) => !/\p{Cc}/u.test(city), "city must not contain control characters (newlines, tabs, NUL, …)")
    .describe('City name, optionally with region or country, e.g. "Berlin", "São Paulo" or "Chennai, Tamil Nadu"'),
});

/** `get_weather`: simulated, deterministic weather per city, as text and as structured content. */
export const weatherTools: readonly RegisteredTool[] = [
  defineTool({
    name: "get_weather",
    title: "Get (simulated) weather",
    description:
      "Get the current weather for a city. The data is SIMULATED (deterministic per city, not real observations); " +
      "say so when you pass it on.",
    inputSchema: WeatherInputSchema,
    outputSchema: WeatherReportSchema,
    annotations: {
      title: "Get (simulated) weather",
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    handler: ({ city }) => {
      const report = simulateWeather(city);
      return { text: reportText(report), structured: report };
    },
  }),
];
