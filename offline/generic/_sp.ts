import { findSpans } from "./spans.js";
for (const q of process.argv.slice(2)) console.log(findSpans(q).map((s) => `${s.kind}:${s.text}@${s.start}-${s.end}`).join("  "));
