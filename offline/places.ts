import { hasPhrase, namesWeather, NO_SPACE_SCRIPT, PLACE_WORDS, WEATHER } from "./lexicon.js";
import { editDistance, STOPWORDS, type Token } from "./text.js";

/**
 * Finds the place a question is about, for string parameters such as `city` or `location`.
 * a name after "in" as written, accents and all; a city with its region after a comma gives the city
 * (the region is dropped, as weather services key on the city); nicknames are expanded and a
 * misspelt well-known city is corrected.
 */

/** Nicknames and abbreviations everyone uses; upper-case keys only match as written. */
const NICKNAMES: Record<string, string> = {
  NYC: "New York City",
  "new york city": "New York City",
  nyc: "New York City",
  "the big apple": "New York City",
  LA: "Los Angeles",
  "L.A.": "Los Angeles",
  SF: "San Francisco",
  "san fran": "San Francisco",
  frisco: "San Francisco",
  philly: "Philadelphia",
  "chi-town": "Chicago",
  chitown: "Chicago",
  "chi town": "Chicago",
  vegas: "Las Vegas",
  nola: "New Orleans",
  DC: "Washington",
  "D.C.": "Washington",
  ATL: "Atlanta",
  KL: "Kuala Lumpur",
  HK: "Hong Kong",
  CDMX: "Mexico City",
  "rio": "Rio de Janeiro",
  "sao paulo": "São Paulo",
  SP: "São Paulo",
  BKK: "Bangkok",
};

/** Abbreviations that mean a city only next to their state: "SD, California" is San Diego. */
const STATE_QUALIFIED: Record<string, Record<string, string>> = {
  SD: { california: "San Diego", ca: "San Diego" },
  SJ: { california: "San Jose", ca: "San Jose" },
  LB: { california: "Long Beach", ca: "Long Beach" },
  KC: { missouri: "Kansas City", mo: "Kansas City" },
};

/** Well-known cities, to recognise them in lower case and to correct misspellings. */
const CITIES = `Amsterdam, Anchorage, Athens, Atlanta, Auckland, Austin, Baghdad, Baltimore, Bangalore, Bangkok, Barcelona,
Beijing, Beirut, Belgrade, Berkeley, Berlin, Bogota, Boston, Brisbane, Brussels, Bucharest, Budapest,
Buenos Aires, Cairo, Calgary, Cape Town, Caracas, Casablanca, Charlotte, Chennai, Chicago, Cleveland,
Columbus, Copenhagen, Dallas, Delhi, Denver, Detroit, Dhaka, Dubai, Dublin, Edinburgh, Frankfurt, Fremont,
Geneva, Genova, Glasgow, Hamburg, Hanoi, Havana, Helsinki, Ho Chi Minh City, Hong Kong, Honolulu, Houston, Hyderabad,
Indianapolis, Istanbul, Jacksonville, Jakarta, Jerusalem, Johannesburg, Karachi, Kathmandu, Kiev, Kolkata,
Kuala Lumpur, Kyiv, Lagos, Lahore, Las Vegas, Lima, Lisbon, London, Los Angeles, Lyon, Madrid, Manila,
Marseille, Melbourne, Memphis, Mexico City, Miami, Milan, Milwaukee, Minneapolis, Montreal, Moscow, Mumbai,
Munich, Nairobi, Naples, Nashville, New Delhi, New Orleans, New York, New York City, Oakland, Orlando, Osaka,
Oslo, Ottawa, Palo Alto, Paris, Perth, Philadelphia, Phoenix, Pittsburgh, Portland, Prague, Quebec, Raleigh,
Reykjavik, Richmond, Riga, Rio de Janeiro, Rome, Rotterdam, Sacramento, Saint Petersburg, San Antonio,
San Diego, San Francisco, San Jose, Santiago, Sao Paulo, Seattle, Seoul, Shanghai, Shenzhen, Singapore,
Stockholm, Stuttgart, Sydney, São Paulo, Taipei, Tallinn, Tampa, Tehran, Tel Aviv, Tokyo, Toronto, Tucson,
Tunis, Turin, Vancouver, Venice, Vienna, Vilnius, Warsaw, Washington, Wellington, Zurich`.split(/,\s*/);

const KNOWN = new Map(CITIES.map((city) => [city.toLowerCase(), city.trim()]));

const NOT_PLACES = new Set(
  `I I'm I'd What What's Whats How How's Hows Could Can Would Will Is Are Do Does Should Please Tell Give Show Get Find Check Hi Hey Hello
  Thanks Thank The A An In On At For Of And Or It It's Its Any My Me Let Let's Today Tomorrow Yesterday Tonight
  Now Next This Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
  October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Celsius Fahrenheit C F AM PM UTC GMT Also Then Hourly Daily
  Weekly Current Currently Right Sure Okay OK Yes No Need Want Planning Provide Could Canyou Retrieve Report Update Like Going Gonna
  Find Check Look Search Kindly Quick Morning Afternoon Evening Night Weekend
  Conditions Condition Info Information Details Detail USA US UK EU`.split(/\s+/),
);

const CONNECTORS = new Set(["de", "del", "da", "do", "dos", "das", "la", "le", "les", "el", "upon", "sur", "am", "an", "der", "di", "du", "of"]);

/** Region names and postal codes that follow a city after a comma or directly (a city, then a postal code). */
const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC BC ON QC".split(" "),
);


function isCapitalized(token: Token): boolean {
  return token.kind === "word" && /^\p{Lu}/u.test(token.text);
}

function titleCase(words: string[]): string {
  return words.map((w, i) => (CONNECTORS.has(w) && i > 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join(" ");
}

/** Candidate spans of capitalised words (with "de", "upon" … inside), with where they are. */
function capitalizedSpans(tokens: readonly Token[]): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (!isCapitalized(token) || notPlace(token)) {
      i++;
      continue;
    }
    let end = i + 1;
    for (;;) {
      const next = tokens[end];
      if (next && isCapitalized(next) && !notPlace(next)) end++;
      else if (next && CONNECTORS.has(next.lower) && tokens[end + 1] && isCapitalized(tokens[end + 1]!)) end += 2;
      else if (next?.text === "." && /^(?:St|Ft|Mt)$/.test(tokens[end - 1]!.text) && tokens[end + 1] && isCapitalized(tokens[end + 1]!)) end += 1;
      else if (next?.kind === "word" && continuesName(tokens, i, end)) end++;
      else break;
    }
    spans.push({ start: i, end });
    i = end;
  }
  return spans;
}

/**
 * A lower-case word after a name still belongs to it when the two make a known city, or the name
 * so far is the first word of multi-word names ("New york", "San francisco", "Santa cruz").
 */
function continuesName(tokens: readonly Token[], start: number, end: number): boolean {
  const next = tokens[end]!;
  if (STOPWORDS.has(next.lower) || LOWER_CASE_STOPS.has(next.lower) || namesWeather(next.lower)) return false;
  const words = tokens.slice(start, end + 1).map((t) => t.lower);
  return KNOWN.has(words.join(" ")) || (end - start === 1 && PLACE_WORDS.namePrefixes.has(words[0]!));
}

/** The span as written; words it took on in lower case ("New york") get capitals. */
function spanName(original: string, tokens: readonly Token[], span: { start: number; end: number }): string {
  const text = original.slice(tokens[span.start]!.start, tokens[span.end - 1]!.end);
  return tokens.slice(span.start, span.end).every(isCapitalized) ? text : titleCase(text.split(/\s+/));
}

/** A capitalised word that starts no name: question words, days, units, states, and the weather's own words. */
function notPlace(token: Token): boolean {
  return NOT_PLACES.has(token.text) || US_STATES.has(token.text) || namesWeather(token.lower) || WEATHER.signs.has(token.lower);
}

/** Corrects a misspelt well-known city (one letter off), leaving other names as written. */
function correct(name: string): string {
  const known = KNOWN.get(name.toLowerCase());
  if (known) return known;
  // "Bogotá" is spelt right; only the accents differ from the listed "Bogota".
  const plain = name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  if (KNOWN.has(plain)) return name;
  if (name.length < 6) return name;
  let best: string | undefined;
  let bestDistance = 3;
  for (const [lower, city] of KNOWN) {
    if (Math.abs(lower.length - name.length) > 2 || lower[0] !== name[0]?.toLowerCase()) continue;
    const distance = editDistance(name.toLowerCase(), lower, 2);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = city;
    }
  }
  // One slip for ordinary names; two only for long ones, so "San Pablo" stays San Pablo.
  const sameShape = best !== undefined && best.split(" ").length === name.split(" ").length;
  return best && sameShape && bestDistance <= (name.length >= 10 ? 2 : 1) ? best : name;
}

/** Longer than any real place name: a guard against absurd arguments. */
const MAX_PLACE_LENGTH = 60;

/**
 * Every place named in the question, in order (with `loose: false`, only capitalised or well-known
 * names, not "the words after in"): "in London, Paris and Rome" gives three, while
 * a city with its state or country after a comma gives one city (the part after the comma is its region).
 */
export function extractPlaces(original: string, tokens: readonly Token[], options: { loose?: boolean } = {}): string[] {
  if (NO_SPACE_SCRIPT.test(original)) {
    const place = placeBeforeWeatherWord(original);
    if (place) return [place];
  }

  const found: Array<{ at: number; name: string }> = [];
  const afterPlaceComma = (i: number) => tokens[i - 1]?.text === "," && tokens[i - 2] !== undefined && isCapitalized(tokens[i - 2]!);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const qualified = STATE_QUALIFIED[token.text];
    if (qualified) {
      const region = tokens[i + 1]?.text === "," ? tokens[i + 2] : tokens[i + 1];
      const city = region ? qualified[region.lower] : undefined;
      if (city) {
        found.push({ at: i, name: city });
        continue;
      }
    }
    const byCase = NICKNAMES[token.text];
    // After a city and a comma, "LA" names a state, not Los Angeles.
    if (byCase && /^[A-Z.]+$/.test(token.text) && !afterPlaceComma(i)) {
      found.push({ at: i, name: byCase });
      continue;
    }
    const two = `${token.lower} ${tokens[i + 1]?.lower ?? ""}`;
    const three = `${two} ${tokens[i + 2]?.lower ?? ""}`;
    for (const phrase of [three, two, token.lower]) {
      const nickname = NICKNAMES[phrase];
      if (nickname && phrase === phrase.toLowerCase() && !/^[A-Z]+$/.test(token.text)) {
        found.push({ at: i, name: nickname });
        i += phrase.split(" ").length - 1;
        break;
      }
    }
  }
  const washington = /\bWashington\s+D\.C\./.exec(original);
  if (washington) found.push({ at: tokens.findIndex((t) => t.start >= washington.index), name: "Washington D.C." });

  const spans = capitalizedSpans(tokens);
  let accepted: { start: number; end: number } | undefined;
  for (const span of spans) {
    if (found.some((f) => f.at >= span.start && f.at < span.end)) {
      accepted = span;
      continue;
    }
    const text = spanName(original, tokens, span);
    // Quotes between the preposition and the name, and an article ("in the Hague").
    let lead = span.start - 1;
    if (/^["'`]$/.test(tokens[lead]?.text ?? "")) lead--;
    if (PLACE_WORDS.articles.has(tokens[lead]?.lower ?? "") && PLACE_WORDS.prepositions.has(tokens[lead - 1]?.lower ?? "")) lead--;
    const before = tokens[lead];
    const separator = before && (before.text === "," || before.lower === "and" || before.lower === "or") ? before : undefined;
    // An inflected form the vocabulary lists ("Wrocławiu") is as well known as the name itself.
    const known = KNOWN.has(text.toLowerCase()) || PLACE_WORDS.inflections.has(text.toLowerCase());
    const leading = ` ${tokens.slice(Math.max(0, lead - 2), lead + 1).map((t) => t.lower).join(" ")} `;
    const introduced = PLACE_WORDS.introducers.some((phrase) => hasPhrase(leading, phrase));
    let place = false;
    if (before && (PLACE_WORDS.prepositions.has(before.lower) || introduced)) place = true;
    else if (separator && accepted && accepted.end === span.start - 1) {
      // A list of cities goes on after the comma; a region, state or country after it is dropped.
      place = separator.text !== "," || known || enumerationContinues(tokens, span.end);
    } else if (known && span.start > 0) place = true;
    // A name right before the word for weather ("the Sonoma weather report"), unless only the
    // start of a sentence capitalised it.
    else if (namesWeather(tokens[span.end]?.lower ?? "") && span.start > 0 && !/^[.?!¿¡]$/.test(tokens[span.start - 1]!.text)) place = true;
    if (!place || text.length > MAX_PLACE_LENGTH) continue;
    found.push({ at: span.start, name: PLACE_WORDS.inflections.get(text.toLowerCase()) ?? correct(text) });
    accepted = span;
  }
  if (found.length === 0 && options.loose !== false) {
    const loose = lowerCasePlace(tokens);
    if (loose) found.push({ at: 0, name: loose });
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.name))];
}

/**
 * In scripts without spaces the place comes before the word for weather, after any request opener
 * and before times and particles: the opener, times and particles are data (`vocabulary/zh.json`).
 */
function placeBeforeWeatherWord(text: string): string | undefined {
  const at = WEATHER.inside.map((word) => text.indexOf(word)).filter((i) => i > 0).sort((a, b) => a - b)[0];
  if (at === undefined) return undefined;
  let place = /[\u3400-\u9fff\u3040-\u30ff\uac00-\ud7af]+$/u.exec(text.slice(0, at).trimEnd())?.[0] ?? "";
  for (;;) {
    const opener = PLACE_WORDS.requestPrefixes.find((p) => place.startsWith(p) && place.length > p.length);
    const time = PLACE_WORDS.timeWords.find((w) => place.endsWith(w) && place.length > w.length);
    if (opener) place = place.slice(opener.length);
    else if (time) place = place.slice(0, -time.length);
    else break;
  }
  const rest = PLACE_WORDS.timeWords.reduce((left, w) => left.split(w).join(""), place);
  return rest || undefined;
}

/** True when a comma list goes on to "and/or X" ("Paris, Berlin and Rome"). */
function enumerationContinues(tokens: readonly Token[], from: number): boolean {
  for (let i = from; i < Math.min(tokens.length, from + 12); i++) {
    const w = tokens[i]!;
    if (w.lower === "and" || w.lower === "or") return isCapitalized(tokens[i + 1] ?? w) || tokens[i + 1]?.lower === "in";
    if (w.text !== "," && !isCapitalized(w)) return false;
  }
  return false;
}

/** A place written in lower case: a known city, or the words after "in"/"for". */
function lowerCasePlace(tokens: readonly Token[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    for (const length of [3, 2, 1]) {
      const words = tokens.slice(i, i + length);
      if (words.length < length || words.some((w) => w.kind !== "word")) continue;
      const known = KNOWN.get(words.map((w) => w.lower).join(" "));
      if (known && !(length === 1 && NOT_PLACES.has(words[0]!.text))) return known;
    }
  }
  for (let i = 0; i < tokens.length - 1; i++) {
    if (tokens[i]!.lower !== "in" && tokens[i]!.lower !== "for") continue;
    const words: string[] = [];
    for (let j = i + 1; j < tokens.length && words.length < 3; j++) {
      const t = tokens[j]!;
      if (t.kind !== "word" || STOPWORDS.has(t.lower) || LOWER_CASE_STOPS.has(t.lower) || namesWeather(t.lower)) break;
      words.push(t.lower);
    }
    const name = titleCase(words);
    if (words.length > 0 && name.length <= MAX_PLACE_LENGTH) return correct(name);
  }
  return undefined;
}

const LOWER_CASE_STOPS = new Set(
  "today tomorrow tonight now this next on at for please right during week weekend like outside there here city town area place general".split(" "),
);
