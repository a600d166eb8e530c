/**
 * Everyday facts a word problem leaves unsaid: units, coins, counts of body parts and sides.
 * Keys are singular lower-case nouns.
 */

/** Canonical unit for spellings and abbreviations. */
const UNIT_ALIASES: Record<string, string> = {
  hr: "hour",
  hrs: "hour",
  min: "minute",
  mins: "minute",
  sec: "second",
  secs: "second",
  wk: "week",
  wks: "week",
  yr: "year",
  yrs: "year",
  ft: "foot",
  yd: "yard",
  yds: "yard",
  km: "kilometer",
  kilometre: "kilometer",
  cm: "centimeter",
  centimetre: "centimeter",
  mm: "millimeter",
  millimetre: "millimeter",
  metre: "meter",
  kg: "kilogram",
  lb: "pound",
  lbs: "pound",
  oz: "ounce",
  qt: "quart",
  gal: "gallon",
  penny: "penny",
  pennie: "penny",
  buck: "dollar",
  cent: "cent",
};

/** How many `to` make one `from`. */
const CONVERSIONS: Record<string, Record<string, number>> = {
  day: { hour: 24, minute: 1_440, second: 86_400 },
  week: { day: 7, hour: 168 },
  fortnight: { day: 14, week: 2 },
  hour: { minute: 60, second: 3_600 },
  minute: { second: 60 },
  year: { month: 12, week: 52, day: 365 },
  decade: { year: 10 },
  century: { year: 100 },
  dozen: { "*": 12 },
  pair: { "*": 2 },
  quarter: { cent: 25 },
  dime: { cent: 10 },
  nickel: { cent: 5 },
  dollar: { cent: 100 },
  foot: { inch: 12 },
  yard: { foot: 3, inch: 36 },
  mile: { foot: 5_280, yard: 1_760 },
  meter: { centimeter: 100, millimeter: 1_000 },
  centimeter: { millimeter: 10 },
  kilometer: { meter: 1_000 },
  gallon: { quart: 4, pint: 8, cup: 16 },
  quart: { pint: 2, cup: 4 },
  pint: { cup: 2 },
  pound: { ounce: 16 },
  kilogram: { gram: 1_000 },
  ton: { pound: 2_000 },
};

export function canonicalUnit(noun: string): string {
  return UNIT_ALIASES[noun] ?? noun;
}

/** How many `to` are in one `from` ("day" → "hour": 24), or undefined. "*" means "of anything". */
export function conversionFactor(from: string, to: string): number | undefined {
  const table = CONVERSIONS[canonicalUnit(from)];
  if (!table) return undefined;
  return table[canonicalUnit(to)] ?? table["*"];
}

const TWO_LEGGED = "bird chicken hen rooster duck goose swan owl parrot penguin ostrich eagle pigeon turkey crow person man woman boy girl child kid baby student adult human friend player teacher".split(" ");
const FOUR_LEGGED =
  "dog puppy cat kitten cow horse pony pig sheep lamb goat lion tiger elephant zebra deer rabbit bunny mouse rat frog toad bear animal fox wolf donkey camel giraffe squirrel hamster cheetah leopard monkey table chair bed stool".split(
    " ",
  );
const SIX_LEGGED = "insect bee ant beetle butterfly fly ladybug cricket grasshopper mosquito wasp cockroach caterpillar".split(" ");

function each(owners: string[], count: number): Record<string, number> {
  return Object.fromEntries(owners.map((owner) => [owner, count]));
}

const PEOPLE_AND_ANIMALS = [...TWO_LEGGED, ...FOUR_LEGGED, ...SIX_LEGGED].filter((o) => !["table", "chair", "bed", "stool"].includes(o));

/** Parts per owner: legs of a spider, sides of a hexagon, wheels of a tricycle. */
const PARTS: Record<string, Record<string, number>> = {
  leg: { ...each(TWO_LEGGED, 2), ...each(FOUR_LEGGED, 4), ...each(SIX_LEGGED, 6), spider: 8, octopus: 8, crab: 10 },
  foot: { ...each(TWO_LEGGED, 2), ...each(FOUR_LEGGED.filter((o) => !["table", "chair", "bed", "stool"].includes(o)), 4) },
  paw: each(["dog", "puppy", "cat", "kitten", "bear", "lion", "tiger", "fox", "wolf", "rabbit"], 4),
  eye: each(PEOPLE_AND_ANIMALS, 2),
  ear: each(PEOPLE_AND_ANIMALS, 2),
  wing: each(TWO_LEGGED.slice(0, 15), 2),
  hand: each(TWO_LEGGED.slice(15), 2),
  arm: { ...each(TWO_LEGGED.slice(15), 2), octopus: 8 },
  finger: { ...each(TWO_LEGGED.slice(15), 10), hand: 5 },
  toe: { ...each(TWO_LEGGED.slice(15), 10), foot: 5 },
  wheel: { bicycle: 2, bike: 2, motorcycle: 2, tricycle: 3, unicycle: 1, car: 4, wagon: 4, skateboard: 4 },
  side: { triangle: 3, square: 4, rectangle: 4, pentagon: 5, hexagon: 6, heptagon: 7, octagon: 8, nonagon: 9, decagon: 10 },
  corner: { triangle: 3, square: 4, rectangle: 4, pentagon: 5, hexagon: 6, octagon: 8 },
  day: { week: 7, weekend: 2 },
  month: { year: 12 },
};

/** How many `part`s one `owner` has, or undefined. */
export function partCount(part: string, owner: string): number | undefined {
  return PARTS[part]?.[owner];
}

/** Sides of a regular shape named in the text ("octagon" → 8). */
export function sidesOf(shape: string): number | undefined {
  return PARTS.side?.[shape];
}

/** Words that name a kind of thing, with the kinds they cover ("reptile" covers "snake"). */
const KINDS: Record<string, string[]> = {
  reptile: "snake alligator crocodile lizard turtle tortoise iguana gecko chameleon".split(" "),
  bird: "owl duck goose swan parrot penguin eagle pigeon crow robin sparrow chicken hen rooster turkey".split(" "),
  fruit: "apple orange banana pear peach plum grape cherry strawberry blueberry lemon mango melon watermelon kiwi pineapple apricot".split(" "),
  vegetable: "carrot potato tomato onion pepper cucumber lettuce cabbage turnip pea bean broccoli corn pumpkin".split(" "),
  person: "man woman boy girl child kid adult grown-up parent pupil student teacher passenger guest visitor friend player".split(" "),
  child: "boy girl kid".split(" "),
  student: "boy girl".split(" "),
  adult: "man woman".split(" "),
  animal: [...PEOPLE_AND_ANIMALS.filter((a) => !TWO_LEGGED.slice(15).includes(a)), "snake", "fish", "spider"],
  pet: "dog cat fish hamster rabbit bird parrot turtle".split(" "),
  coin: "penny nickel dime quarter".split(" "),
  flower: "rose lily tulip daisy sunflower orchid".split(" "),
  drink: "soda juice water milk tea coffee".split(" "),
  vehicle: "car truck bus bicycle bike motorcycle van".split(" "),
  insect: SIX_LEGGED,
  mammal: FOUR_LEGGED.filter((a) => !["frog", "toad", "table", "chair", "bed", "stool", "animal"].includes(a)),
  ball: "baseball football basketball soccer tennis golf".split(" "),
  clothing: "shirt dress sock pants shoe hat jacket coat".split(" "),
  shirt: "t-shirt blouse".split(" "),
  tree: "oak pine maple birch apple".split(" "),
};
KINDS.people = KINDS.person!;

/** True when `noun` is a kind of `kind` ("snake" is a "reptile"). */
export function isKindOf(noun: string, kind: string): boolean {
  return KINDS[kind]?.includes(noun) ?? false;
}

/** True when `noun` is a unit the conversion table knows (a day, a foot, a cup), not a count word. */
export function isUnit(noun: string): boolean {
  const unit = canonicalUnit(noun);
  const table = CONVERSIONS[unit];
  if (table) return !("*" in table);
  return Object.values(CONVERSIONS).some((t) => unit in t);
}

/** `from` → `to` as two factors through a unit between (day → hour → second), when there is one. */
export function conversionPath(from: string, to: string): [number, number] | undefined {
  const direct = conversionFactor(from, to);
  for (const [middle, first] of Object.entries(CONVERSIONS[canonicalUnit(from)] ?? {})) {
    const second = conversionFactor(middle, to);
    if (second !== undefined && first > 1 && second > 1 && first * second === direct) return [first, second];
  }
  return undefined;
}
