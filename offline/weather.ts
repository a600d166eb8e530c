import { looksLikeWordProblem, placesOf, type Analysis } from "./analysis.js";
import type { Catalog, ToolProfile } from "./catalog.js";
import { WEATHER } from "./lexicon.js";
import type { Placed } from "./tasks.js";

/** The arguments of a weather call for one place, filled as for any tool. */
export type FillPlace = (tool: ToolProfile, place: string) => Record<string, unknown>;

/**
 * One call per place the question names, for a question about the weather; a question for a
 * comparison ("colder in A than in B") names two and gets both. Without a place it asks for one,
 * when the weather word asks for the weather itself.
 */
export function weatherTasks(analysis: Analysis, catalog: Catalog, fill: FillPlace): Placed[] {
  const weather = catalog.byTopic.get("weather")?.[0];
  const cue = activeCue(analysis);
  if (!weather || !cue) return [];
  const places = placesOf(analysis, cue.strong);
  const tasks: Placed[] = places.map((place, i) => ({
    at: cue.at + i,
    task: { kind: "call", tool: weather, args: fill(weather, place), place, reason: `weather word "${cue.word}" and place "${place}" → ${weather.name}` },
  }));
  const comparison = WEATHER.comparatives.get(cue.word);
  if (comparison && places.length >= 2) tasks.push({ at: cue.at + places.length, task: { kind: "compare", places, word: cue.word, higher: comparison === "higher" } });
  if (places.length === 0 && cue.asksPlace) {
    const param = weather.params.find((p) => p.role === "place");
    tasks.push({
      at: cue.at,
      task: {
        kind: "ask",
        question: `Which ${param?.name === "city" || !param ? "city" : "place"} do you want the weather for?`,
        slot: { kind: "place" },
        reason: `weather word "${cue.word}" but no place named; ${weather.name} needs ${param?.name ?? "a place"}`,
      },
    });
  }
  return tasks;
}

/** The weather cue that counts: a weak one inside a word problem is part of the story. */
export function activeCue(analysis: Analysis): Analysis["weatherCue"] {
  const cue = analysis.weatherCue;
  return cue && (cue.strong || !looksLikeWordProblem(analysis, 2)) ? cue : undefined;
}
