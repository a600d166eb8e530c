import { z } from "zod";
import { defineTool, type RegisteredTool } from "../shared/tool.js";

const MAX_CITY_LENGTH = 100;

const CONDITIONS = ["sunny", "partly cloudy", "cloudy", "light rain", "heavy rain", "thunderstorms", "fog", "windy", "snow"] as const;

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

/** The structured report; also the declared `outputSchema` of `get_weather`. */
export const WeatherReportSchema = z.object({
  city: z.string().describe("The city as requested"),
  condition: z.enum(CONDITIONS).describe("Sky condition"),
  temperatureC: z.int().describe("Air temperature in degrees Celsius"),
  humidityPercent: z.int().min(0).max(100).describe("Relative humidity in percent"),
  windKph: z.int().min(0).describe("Wind speed in km/h"),
  simulated: z.literal(true).describe("Always true: generated data, not a real observation or forecast"),
});

/** One simulated weather report. */
export type WeatherReport = z.infer<typeof WeatherReportSchema>;

/** A report as `get_weather` words it for the model. */
export function reportText(report: WeatherReport): string {
  return (
    `Simulated weather for ${report.city}: ${report.condition}, ${report.temperatureC} °C, ` +
    `humidity ${report.humidityPercent}%, wind ${report.windKph} km/h. (Simulated data, not a real observation.)`
  );
}

/** Same city in, same report out (ignoring case and spacing): the city's name seeds everything. */
export function simulateWeather(city: string): WeatherReport {
  const key = city.normalize("NFC").toLowerCase().replace(/\s+/g, " ");
  const next = seededRandom(fnv1a(key));
  const condition = CONDITIONS[Math.floor(next() * CONDITIONS.length)] ?? "sunny";
  const temperatureC = condition === "snow" ? -8 + Math.floor(next() * 10) : 2 + Math.floor(next() * 33);
  return {
    city,
    condition,
    temperatureC,
    humidityPercent: 20 + Math.floor(next() * 76),
    windKph: (condition === "windy" ? 35 : 0) + Math.floor(next() * 30),
    simulated: true,
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
}

// mulberry32: tiny, well-distributed, and enough for simulated numbers.
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
