import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

type Json = Record<string, unknown>;

/** A run as the stub holds it: its create and every update merged, in arrival order. */
export interface StubRun extends Json {
  id: string;
  name?: string;
  parent_run_id?: string | null;
  trace_id?: string;
  session_id?: string;
  session_name?: string;
  reference_example_id?: string | null;
  inputs?: Json;
  outputs?: Json;
}

export interface StubExample extends Json {
  id: string;
  dataset_id: string;
  inputs: Json;
  outputs?: Json;
  metadata?: Json;
}

export interface LangSmithStub {
  /** The API's base URL, for `LANGSMITH_ENDPOINT`. */
  url: string;
  /** Every request, in order: `GET /datasets?name=…`, `POST /runs/batch`, … */
  requests: string[];
  /** The requests it had no endpoint for (answered 404). */
  unknown: string[];
  datasets: Map<string, Json & { id: string; name: string }>;
  examples: Map<string, StubExample>;
  projects: Map<string, Json & { id: string; name: string }>;
  runs: Map<string, StubRun>;
  feedback: Json[];
  close(): Promise<void>;
}

/**
 * A local, in-memory LangSmith API: the endpoints the `langsmith` client uses for datasets, examples
 * (the multipart upload), experiments (sessions), runs (JSON batch ingestion: `/info` says multipart
 * ingestion is off) and feedback, enough for `evaluate()` and for LangChain tracing. It records every
 * request; anything it does not know is a 404 a test can see in `unknown`. `refuse` picks requests
 * (`"POST /sessions"`) to answer 403, as for a key without the permission.
 */
export async function startLangSmithStub(options: { refuse?: (request: string) => boolean } = {}): Promise<LangSmithStub> {
  const state: Omit<LangSmithStub, "url" | "close"> = {
    requests: [],
    unknown: [],
    datasets: new Map(),
    examples: new Map(),
    projects: new Map(),
    runs: new Map(),
    feedback: [],
  };
  const now = () => new Date().toISOString();

  const mergeRun = (run: Json) => {
    const id = String(run.id);
    const existing = state.runs.get(id);
    const merged = { ...existing, ...Object.fromEntries(Object.entries(run).filter(([, v]) => v !== undefined)), id } as StubRun;
    if (merged.session_name && !merged.session_id) {
      merged.session_id = [...state.projects.values()].find((p) => p.name === merged.session_name)?.id;
    }
    state.runs.set(id, merged);
  };

  const writeExamples = async (request: IncomingMessage, datasetId: string, body: Buffer) => {
    const form = await new Response(body, { headers: { "content-type": String(request.headers["content-type"]) } }).formData();
    const ids: string[] = [];
    for (const [name, value] of form.entries()) {
      const [id, part] = name.split(".", 2) as [string, string | undefined];
      if (!ids.includes(id)) ids.push(id);
      const example: StubExample = state.examples.get(id) ?? { id, dataset_id: datasetId, inputs: {}, created_at: now() };
      const parsed = JSON.parse(typeof value === "string" ? value : await value.text()) as Json;
      if (part === undefined) Object.assign(example, parsed);
      else if (part === "inputs") example.inputs = parsed;
      else if (part === "outputs") example.outputs = parsed;
      example.modified_at = now();
      state.examples.set(id, example);
    }
    return { example_ids: ids, count: ids.length };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://stub");
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method ?? "GET";
    state.requests.push(`${method} ${path}${url.search}`);
    if (options.refuse?.(`${method} ${path}`)) {
      await readBody(request);
      return sendJson(response, 403, { detail: "Forbidden" });
    }
    const send = (status: number, body: unknown) => sendJson(response, status, body);
    let raw = await readBody(request);
    if (request.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
    const json = () => (raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Json) : {});
    const segments = path.split("/").filter(Boolean);
    const [head, id, tail] = segments;

    if (method === "GET" && path === "/info") {
      return send(200, {
        version: "0.10.200",
        license_expiration_time: null,
        batch_ingest_config: { use_multipart_endpoint: false, scale_up_qsize_trigger: 1000, scale_up_nthreads_limit: 16, scale_down_nempty_trigger: 4, size_limit: 100, size_limit_bytes: 20_971_520 },
        instance_flags: { dataset_examples_multipart_enabled: true },
      });
    }
    if (head === "datasets" && segments.length === 1) {
      if (method === "GET") {
        const name = url.searchParams.get("name");
        const ids = url.searchParams.getAll("id");
        const found = [...state.datasets.values()].filter((d) => (name === null || d.name === name) && (ids.length === 0 || ids.includes(d.id)));
        return send(200, page(found, url));
      }
      if (method === "POST") {
        const body = json();
        if ([...state.datasets.values()].some((d) => d.name === body.name)) return send(409, { detail: "dataset exists" });
        const dataset = { ...body, id: randomUUID(), name: String(body.name), created_at: now(), modified_at: now(), example_count: 0, data_type: body.data_type ?? "kv" };
        state.datasets.set(dataset.id, dataset);
        return send(200, dataset);
      }
    }
    if (head === "datasets" && id && segments.length === 2 && method === "GET") {
      const dataset = state.datasets.get(id);
      return dataset ? send(200, dataset) : send(404, { detail: "dataset not found" });
    }
    if (segments[0] === "v1" && segments[1] === "platform" && segments[2] === "datasets" && segments[4] === "examples") {
      const datasetId = segments[3]!;
      if (!state.datasets.has(datasetId)) return send(404, { detail: "dataset not found" });
      if (method === "POST" || method === "PATCH") return send(200, await writeExamples(request, datasetId, raw));
    }
    if (head === "examples" && segments.length === 1 && method === "GET") {
      const dataset = url.searchParams.get("dataset");
      const ids = url.searchParams.getAll("id");
      const found = [...state.examples.values()].filter((e) => (dataset === null || e.dataset_id === dataset) && (ids.length === 0 || ids.includes(e.id)));
      return send(200, page(found, url));
    }
    if (head === "examples" && id && segments.length === 2 && method === "GET") {
      const example = state.examples.get(id);
      return example ? send(200, example) : send(404, { detail: "example not found" });
    }
    if (head === "sessions" && segments.length === 1) {
      if (method === "POST") {
        const body = json();
        const existing = [...state.projects.values()].find((p) => p.name === body.name);
        if (existing && url.searchParams.get("upsert") !== "true") return send(409, { detail: "session exists" });
        const project = existing ?? { ...body, id: randomUUID(), name: String(body.name), start_time: now(), tenant_id: "00000000-0000-0000-0000-000000000001" };
        state.projects.set(project.id, project);
        return send(200, project);
      }
      if (method === "GET") {
        const name = url.searchParams.get("name");
        const found = [...state.projects.values()].filter((p) => name === null || p.name === name);
        // The LangGraph dev server reads its tenant from any one project.
        return send(200, found.length > 0 || name !== null ? found : [{ id: randomUUID(), name: "default", tenant_id: "00000000-0000-0000-0000-000000000001" }]);
      }
    }
    if (head === "sessions" && id && segments.length === 2) {
      const project = state.projects.get(id);
      if (!project) return send(404, { detail: "session not found" });
      // The client sends every field, unset ones as null.
      if (method === "PATCH") Object.assign(project, Object.fromEntries(Object.entries(json()).filter(([, v]) => v !== null)));
      return send(200, project);
    }
    if (path === "/runs/batch" && method === "POST") {
      const body = json() as { post?: Json[]; patch?: Json[] };
      for (const run of [...(body.post ?? []), ...(body.patch ?? [])]) mergeRun(run);
      return send(202, {});
    }
    if (path === "/runs" && method === "POST") {
      mergeRun(json());
      return send(202, {});
    }
    if (head === "runs" && id && !tail && method === "PATCH") {
      mergeRun({ ...json(), id });
      return send(202, {});
    }
    if (path === "/feedback" && method === "POST") {
      const feedback = { ...json(), id: randomUUID() };
      state.feedback.push(feedback);
      return send(200, feedback);
    }
    state.unknown.push(`${method} ${path}`);
    return send(404, { detail: `the LangSmith stub has no ${method} ${path}` });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ detail: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...state,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function page<T>(items: T[], url: URL): T[] {
  const offset = Number(url.searchParams.get("offset") ?? 0);
  const limit = Number(url.searchParams.get("limit") ?? 100);
  return items.slice(offset, offset + limit);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
