/**
 * (2) One question end to end through the compiled graph with the offline model: warm sessions kept
 * across questions, against the article's host that connects to every server, lists tools, routes,
 * calls and disconnects for every question.
 */
import { createGraph } from "../../graph/index.js";
import { checkAnswer, QUESTIONS, serversConfig } from "../questions.js";
import { interleave, summarize, type Variant } from "../stats.js";
import type { Suite } from "../suite.js";

export const questionSuite: Suite = {
  name: "question",
  async run(context) {
    const servers = serversConfig((await context.servers()).ready);
    const warm = createGraph({ model: "offline", servers });
    try {
      let next = 0;
      const ask = async (graph: ReturnType<typeof createGraph>) => {
        const item = QUESTIONS[next++ % QUESTIONS.length]!;
        checkAnswer(item, await graph.invoke({ question: item.question }));
      };
      const variants: Variant[] = [
        { name: "warm", run: () => ask(warm) },
        {
          name: "per-question-connect",
          run: async () => {
            const fresh = createGraph({ model: "offline", servers });
            try {
              await ask(fresh);
            } finally {
              await fresh.close();
            }
          },
        },
      ];
      context.log("question: warm sessions vs connect per question");
      const samples = await interleave(variants, context.quick ? { warmup: 6, rounds: 3, batch: 6 } : { warmup: 30, rounds: 20, batch: 15 });
      const { recorder } = context;
      recorder.addLatency("question/warm", summarize(samples.get("warm")!));
      recorder.addLatency("question/per-question-connect", summarize(samples.get("per-question-connect")!), "question/warm");
      recorder.target(
        "question: per-question-connect ÷ warm (median)",
        ">=",
        20,
        recorder.get("question/per-question-connect") / recorder.get("question/warm"),
      );
    } finally {
      await warm.close();
    }
  },
};
