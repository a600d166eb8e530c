/**
 * WeatherServer's simulated weather: a report per city, the same every time, and its wording. Apart
 * from the tool so that it loads without the server's stack (servers/index.ts exposes it).
 */
import { z } from "zod";

const CONDITIONS = ["sunny", "partly cloudy", "cloudy", "light rain", "heavy rain", "thunderstorms", "fog", "windy", "snow"] as const;

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
