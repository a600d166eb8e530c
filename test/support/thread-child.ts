/**
 * One turn of a conversation in a process of its own: opens the checkpointer the environment names
 * (`POSTGRES_URI`, else `MCP_GRAPH_DB`), adds a human message to a thread, prints the thread's
 * transcript as one JSON line and exits. Two of these in a row show a thread outliving its process.
 *
 * argv: <thread id> <message>
 */
import { HumanMessage } from "@langchain/core/messages";
import { openCheckpointer, readSettings } from "../../app/index.js";
import { echoGraph, transcript } from "./echo-graph.js";

const [threadId, text] = process.argv.slice(2);
if (!threadId || !text) throw new Error("usage: thread-child.ts <thread id> <message>");

const checkpointer = await openCheckpointer(readSettings(process.env));
try {
  const state = await echoGraph(checkpointer.saver).invoke({ messages: [new HumanMessage(text)] }, { configurable: { thread_id: threadId } });
  console.log(JSON.stringify({ pid: process.pid, kind: checkpointer.kind, transcript: transcript(state.messages) }));
} finally {
  await checkpointer.close();
}
