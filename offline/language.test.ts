import { describe, expect, it } from "vitest";
import { normalizeQuestion } from "./normalize.js";
import { findNumbers } from "./numbers.js";
import { extractPlaces } from "./places.js";
import { normalizeText, singular, tokenize } from "./text.js";

const numbers = (text: string) => findNumbers(tokenize(normalizeText(text))).map((n) => (n.kind === "cardinal" ? n.value : `${n.kind}:${n.value}`));
const places = (text: string) => {
  const normal = normalizeText(text);
  return extractPlaces(normal, tokenize(normal));
};

describe("numbers", () => {
  it("reads digits with separators, decimals and currency", () => {
    expect(numbers("1,200 people paid $17.00 and 2.5 more")).toEqual([1200, 17, 2.5]);
    expect(findNumbers(tokenize("It cost $ 403"))[0]).toMatchObject({ value: 403, money: true });
  });

  it("reads numbers in words", () => {
    expect(numbers("five, twenty-four, twenty four, one hundred and five, a dozen, a thousand")).toEqual([5, 24, 24, 105, 12, 1000]);
    expect(numbers("seventy-one cans and thirty-eight more")).toEqual([71, 38]);
  });

  it("tells multipliers, halves and ordinals from counts", () => {
    expect(numbers("twice as many, triple the price, half of the cost, the 3rd day, the first time")).toEqual([
      "multiplier:2",
      "multiplier:3",
      "half:2",
      "ordinal:3",
      "ordinal:1",
    ]);
  });

  it("keeps the noun glued to a spelled number and skips dates and clock times", () => {
    expect(findNumbers(tokenize("a five-day vacation"))[0]).toMatchObject({ value: 5, glued: "day" });
    expect(numbers("on 2023-04-05 at 10:30 we met 3 friends")).toEqual([3]);
  });
});

describe("singular", () => {
  it("turns plural nouns into the singular", () => {
    expect(["boxes", "berries", "children", "feet", "cookies", "peaches", "apples", "glasses", "buses"].map(singular)).toEqual([
      "box",
      "berry",
      "child",
      "foot",
      "cookie",
      "peach",
      "apple",
      "glass",
      "bus",
    ]);
  });
});

describe("normalizeQuestion", () => {
  it("corrects slips in the words routing depends on", () => {
    expect(normalizeQuestion("hwo many hours do 3 dyas hvae")).toBe("how many hours do 3 days have");
    expect(normalizeQuestion("cna you add 250 adn 750")).toBe("can you add 250 and 750");
    expect(normalizeQuestion("mulitply 11 by 11, then ad 4")).toBe("multiply 11 by 11, then add 4");
    expect(normalizeQuestion("whats teh temprature in Madrid")).toBe("what's the temperature in Madrid");
  });

  it("leaves real words and names alone", () => {
    for (const text of ["Julia played tag with 7 kids", "The remaining sections", "Fill in the form", "I met Dyas in Hvae"]) {
      expect(normalizeQuestion(text)).toBe(text);
    }
  });

  it("translates question, unit and verb words of other languages", () => {
    expect(normalizeQuestion("Wie viele Stunden haben 5 Tage?")).toBe("how many hours have 5 days?");
    expect(normalizeQuestion("¿Cuántas horas tienen 3 días?")).toBe("¿how many hours have 3 days?");
    // "Suma" is a Spanish command the arithmetic reader knows, not a slip for "sum".
    expect(normalizeQuestion("Suma 15 y 27, por favor.")).toBe("Suma 15 y 27, please.");
    expect(normalizeQuestion("Multiplica 6 por 7")).toBe("Multiplica 6 por 7");
    expect(normalizeQuestion("Combien d'heures dans 4 jours ?")).toBe("how many hours in 4 days ?");
  });
});

describe("extractPlaces", () => {
  it("reads multi-word and accented names", () => {
    expect(places("What's the weather in São Paulo?")).toEqual(["São Paulo"]);
    expect(places("Temperature in New York City today")).toEqual(["New York City"]);
    expect(places("Is it raining in Rio de Janeiro?")).toEqual(["Rio de Janeiro"]);
    expect(places("Forecast for St. Louis tomorrow")).toEqual(["St. Louis"]);
    expect(places("Get the current weather in 'Pleasanton, CA'")).toEqual(["Pleasanton"]);
  });

  it("keeps the city and drops the region or state", () => {
    expect(places("weather in Chennai, Tamil Nadu")).toEqual(["Chennai"]);
    expect(places("forecast for Paris, France on April 3rd")).toEqual(["Paris"]);
    expect(places("the weather in Long Beach CA")).toEqual(["Long Beach"]);
    expect(places("the forecast for Marshall, MN on March 5th")).toEqual(["Marshall"]);
  });

  it("expands common abbreviations and nicknames", () => {
    expect(places("what is the weather in nyc?")).toEqual(["New York City"]);
    expect(places("How's the weather in LA on March 9th?")).toEqual(["Los Angeles"]);
    expect(places("weather next week in Philly")).toEqual(["Philadelphia"]);
    expect(places("Can you check the weather in SD, California?")).toEqual(["San Diego"]);
    expect(places("weather in Baton Rouge, LA")).toEqual(["Baton Rouge"]);
  });

  it("lists several places, and corrects a misspelt well-known city", () => {
    expect(places("Check the weather in London, Paris and Rome.")).toEqual(["London", "Paris", "Rome"]);
    expect(places("What's the weather in Paris and in Berlin?")).toEqual(["Paris", "Berlin"]);
    expect(places("weather update for Chcicago")).toEqual(["Chicago"]);
    expect(places("forecast for San Pablo, CA")).toEqual(["San Pablo"]);
    // Genoa in Italian, one letter from Geneva: a city of its own, not a slip.
    expect(places("Che tempo fa a Genova?")).toEqual(["Genova"]);
  });

  it("reads places in lower case and in Chinese", () => {
    expect(places("weather in amsterdam")).toEqual(["Amsterdam"]);
    expect(places("北京后天的天气如何？")).toEqual(["北京"]);
  });

  it("finds no place where there is none", () => {
    expect(places("What's the weather like?")).toEqual([]);
    expect(places("Check the forecast for me.")).toEqual([]);
    expect(places(`weather in ${"Llanfair".repeat(20)}`)).toEqual([]);
  });
});
