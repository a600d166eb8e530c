/**
 * The words a follow-up is made of, per language, as data: `follow-up.ts` reads every table the same
 * way, so a language or a phrase is a row here, never a code path. Phrases are lower case and in the
 * form `normalizeText` gives them (straight apostrophes).
 */
export interface FollowUpWords {
  /** Openers a follow-up starts with and that carry no content: "and", "what about", "¿y". */
  leads: string[];
  /** Words that introduce the value itself: "the city is", "in", "the other number is". */
  intros: string[];
  /** Courtesy that can sit at either end: "please", "merci". */
  courtesy: string[];
  /** Times of day the tools take no argument for; a follow-up may name one beside its value. */
  times: string[];
  /** A reply that withdraws the question rather than answering it. */
  dismissals: string[];
  /** Placeholders for a number not given yet ("multiply something by 3"): a new request, not the previous result. */
  indefinites: string[];
  /** Words that point at the previous result, read as "it" by the arithmetic reader. */
  anaphora: string[];
  /** Words (a verb with its pronoun glued on, a local operator) and their English reading. */
  rewrites: Record<string, string>;
  /**
   * Rewrites of words another language has too (Portuguese "some" is "add", English "some" is not):
   * read so only in a message that has another word of this language's own, one no other table lists
   * and no English stopword is ("Some 8 a isso", not "Some 8").
   */
  guarded?: Record<string, string>;
  /** Affixes glued to a value in scripts without spaces: "那上海呢" → 上海, "부산은" → 부산. */
  prefixes?: string[];
  suffixes?: string[];
}

export const FOLLOW_UP_WORDS: Record<string, FollowUpWords> = {
  en: {
    leads: ["and what about", "and how about", "what about", "how about", "and now", "and then", "what if", "and", "but", "also", "then", "now", "ok", "okay", "so", "same for", "same thing for", "same question for", "the same for", "same again for", "and also", "again for", "tell me about", "what's it like in", "how's it in", "how is it in", "over", "down", "up", "out", "oh", "well", "um", "hmm", "actually", "sorry", "wait", "no wait"],
    intros: ["the city is", "the city's", "city is", "city:", "the place is", "i meant", "i mean", "i'm in", "it's", "it is", "let's say", "make it", "try", "use", "the other number is", "the other one is", "the number is", "number:", "in", "for", "at", "with", "to", "by"],
    courtesy: ["please", "pls", "thanks", "thank you", "thx", "then", "instead", "too", "as well", "great", "cool", "nice", "awesome", "perfect", "got it", "wow", "hello", "hi", "bye", "goodbye", "interesting", "understood", "alright", "sounds good"],
    times: ["today", "tonight", "tomorrow", "right now", "now", "this weekend", "this morning", "this afternoon", "this evening"],
    dismissals: ["never mind", "nevermind", "forget it", "cancel", "stop", "nothing"],
    indefinites: ["something", "some number", "a number", "two numbers", "another number", "any number"],
    anaphora: ["the result", "the answer", "that number", "that result", "this number", "that", "this", "itself"],
    rewrites: {},
  },
  de: {
    leads: ["dasselbe für", "das gleiche für", "und was ist mit", "was ist mit", "und wie ist es in", "wie ist es in", "und wie sieht es aus in", "und jetzt", "und dann", "und", "aber", "jetzt", "dann", "auch"],
    intros: ["die stadt ist", "ich meine", "ich meinte", "die andere zahl ist", "nimm", "in", "für", "mit"],
    courtesy: ["bitte", "danke", "doch", "super", "prima", "toll"],
    times: ["heute", "morgen", "jetzt", "heute abend"],
    dismissals: ["vergiss es", "egal", "abbrechen"],
    indefinites: ["etwas", "eine zahl", "zwei zahlen"],
    anaphora: ["das ergebnis", "das", "es", "dies", "davon", "dazu", "sich selbst"],
    rewrites: { verdopple: "double", verdoppele: "double", verdoppeln: "double", verdreifache: "triple", nimm: "", jetzt: "now" },
  },
  es: {
    leads: ["lo mismo para", "y qué tal", "qué tal", "y qué pasa con", "y ahora", "y luego", "y si", "y", "pero", "ahora", "también", "luego"],
    intros: ["la ciudad es", "me refiero a", "el otro número es", "es", "en", "para", "de", "por"],
    courtesy: ["por favor", "gracias", "vale", "genial", "perfecto"],
    times: ["hoy", "mañana", "ahora", "esta noche"],
    dismissals: ["olvídalo", "déjalo", "cancela"],
    indefinites: ["algo", "un número", "dos números"],
    anaphora: ["el resultado", "eso", "esto", "ese número", "sí mismo"],
    rewrites: { multiplícalo: "multiply it", multiplicalo: "multiply it", duplícalo: "double it", duplicalo: "double it", duplica: "double", dóblalo: "double it", súmale: "add it", sumale: "add it", por: "times", ahora: "now" },
  },
  fr: {
    leads: ["pareil pour", "la même chose pour", "et qu'en est-il de", "et pour", "et si", "et maintenant", "et ensuite", "et", "mais", "maintenant", "puis", "aussi"],
    intros: ["la ville est", "je veux dire", "l'autre nombre est", "c'est", "à", "a", "en", "pour", "au", "par"],
    courtesy: ["s'il vous plaît", "s'il te plaît", "svp", "merci", "parfait", "super", "génial"],
    times: ["aujourd'hui", "demain", "maintenant", "ce soir"],
    dismissals: ["laisse tomber", "annule", "oublie"],
    indefinites: ["quelque chose", "un nombre", "deux nombres"],
    anaphora: ["le résultat", "ça", "cela", "ce nombre", "lui-même"],
    rewrites: { "multiplie-le": "multiply it", "double-le": "double it", "ajoute-lui": "add it", "ajoutes-y": "add it", maintenant: "now" },
  },
  it: {
    leads: ["lo stesso per", "e che ne dici di", "e per", "e se", "e adesso", "e poi", "e ora", "e", "ma", "adesso", "ora", "poi", "anche"],
    intros: ["la città è", "intendo", "l'altro numero è", "è", "a", "in", "per"],
    courtesy: ["per favore", "grazie", "perfetto", "ottimo"],
    times: ["oggi", "domani", "adesso", "stasera"],
    dismissals: ["lascia perdere", "annulla"],
    indefinites: ["qualcosa", "un numero", "due numeri"],
    anaphora: ["il risultato", "questo", "quello", "questo numero", "se stesso"],
    rewrites: { moltiplicalo: "multiply it", raddoppialo: "double it", raddoppia: "double", aggiungi: "add", aggiungici: "add it", per: "times", adesso: "now", ora: "now" },
  },
  pt: {
    leads: ["o mesmo para", "e quanto a", "e que tal", "que tal", "e agora", "e depois", "e se", "e", "mas", "agora", "também", "depois"],
    intros: ["a cidade é", "quero dizer", "o outro número é", "é", "em", "no", "na", "para", "por"],
    courtesy: ["por favor", "obrigado", "obrigada", "ótimo", "perfeito", "valeu"],
    times: ["hoje", "amanhã", "agora", "esta noite"],
    dismissals: ["esquece", "deixa pra lá", "cancela"],
    indefinites: ["algo", "um número", "dois números"],
    anaphora: ["o resultado", "isso", "isto", "esse número", "ele mesmo"],
    rewrites: { dobre: "double", dobra: "double", adicione: "add", multiplique: "multiply", "a isso": "to it", "a isto": "to it", "ao resultado": "to it", agora: "now" },
    guarded: { some: "add" },
  },
  pl: {
    leads: ["a co z", "co z", "a jak jest", "jak jest", "a jak", "a może", "a teraz", "to samo dla", "a", "ale", "teraz", "też"],
    intros: ["miasto to", "chodzi mi o", "w", "we", "dla"],
    courtesy: ["proszę", "dziękuję", "dzięki", "super", "świetnie"],
    times: ["dzisiaj", "dziś", "jutro", "teraz"],
    dismissals: ["nieważne", "zapomnij", "anuluj"],
    // Polish arithmetic is not routed, and "to" (that) is an English word: no anaphora to read.
    indefinites: [],
    anaphora: [],
    rewrites: {},
  },
  ru: {
    leads: ["а что насчёт", "а что насчет", "а как насчёт", "а как насчет", "что насчёт", "что насчет", "как насчёт", "как насчет", "а если", "а теперь", "а", "и", "но", "теперь", "тоже"],
    intros: ["город", "я имел в виду", "другое число", "в", "во", "для"],
    courtesy: ["пожалуйста", "спасибо", "отлично"],
    times: ["сегодня", "завтра", "сейчас"],
    dismissals: ["неважно", "забудь", "отмена"],
    indefinites: ["что-нибудь", "какое-нибудь число", "два числа"],
    anaphora: ["результат", "это", "этому", "этого"],
    rewrites: { удвой: "double", утрой: "triple", умножь: "multiply", прибавь: "add", добавь: "add", "к этому": "", "умножить на": "times", а: "", теперь: "now" },
  },
  zh: {
    leads: ["那么", "那", "还有"],
    intros: ["在"],
    courtesy: ["请", "谢谢"],
    times: ["今天", "明天", "现在"],
    dismissals: ["算了"],
    indefinites: [],
    anaphora: ["结果", "它"],
    rewrites: { 翻倍: "double it", 加倍: "double it", 翻一番: "double it", 那么: "", 那: "", 把: "" },
    prefixes: ["那么", "那", "还有"],
    suffixes: ["呢", "的呢", "怎么样"],
  },
  ja: {
    leads: ["じゃあ", "では"],
    intros: [],
    courtesy: ["お願いします"],
    times: ["今日", "明日"],
    dismissals: [],
    indefinites: [],
    anaphora: [],
    rewrites: {},
    suffixes: ["はどうですか", "はどう", "は"],
  },
  ko: {
    leads: ["그럼", "그러면"],
    intros: [],
    courtesy: ["주세요"],
    times: ["오늘", "내일"],
    dismissals: [],
    indefinites: [],
    anaphora: [],
    rewrites: {},
    suffixes: ["은요", "는요", "은", "는"],
  },
};
