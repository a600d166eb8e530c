/**
 * The client driver of the MCP conformance suite (`@modelcontextprotocol/conformance client`): the
 * suite starts a scenario server, runs `driver.ts <server-url>` with MCP_CONFORMANCE_SCENARIO set
 * (and MCP_CONFORMANCE_CONTEXT for credentials), and judges what reached its server.
 *
 * What it does is what a host does: one MultiServerClient, connect, list, call every tool the server
 * offers with the smallest arguments its schema allows, close. Auth scenarios get an `auth` entry
 * (dynamic registration, or the context's credentials) and a headless "browser" that follows the
 * authorization redirect to the client's loopback port, which is automatic consent.
 * Exit 0 when every call was answered, 1 otherwise.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MultiServerClient, resultText, type AuthConfig, type JsonSchemaObject, type MultiServerClientOptions } from "../../adapters/index.js";
import { consentingBrowser } from "../../test/support/browser.js";

/** The Client ID Metadata Document URL the suite's CIMD scenario expects (any https URL would do elsewhere). */
const CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json";

interface Context {
  client_id?: string;
  client_secret?: string;
  private_key_pem?: string;
  signing_algorithm?: string;
}

/** The `auth` entry for a scenario: none outside auth/, the context's credentials where it gives them. */
function authFor(scenario: string, context: Context, storePath: string): AuthConfig | undefined {
  if (!scenario.startsWith("auth/")) return undefined;
  const base: AuthConfig = { storePath, redirectPort: 0, loginTimeoutMs: 60_000, clientName: "mcp-graph-conformance" };
  if (scenario.startsWith("auth/client-credentials")) {
    return {
      ...base,
      grant: "client_credentials",
      clientId: context.client_id,
      ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
      ...(context.private_key_pem ? { privateKey: context.private_key_pem, signingAlgorithm: context.signing_algorithm ?? "ES256" } : {}),
    };
  }
  if (context.client_id) return { ...base, clientId: context.client_id, ...(context.client_secret ? { clientSecret: context.client_secret } : {}) };
  return { ...base, clientMetadataUrl: CLIENT_METADATA_URL };
}

/** The smallest arguments a tool's input schema accepts: each required property of its type. */
function minimalArguments(schema: JsonSchemaObject): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, { type?: string; enum?: unknown[]; default?: unknown }>;
  const sample = (property: { type?: string; enum?: unknown[]; default?: unknown }): unknown => {
    if (property.default !== undefined) return property.default;
    if (property.enum?.length) return property.enum[0];
    switch (property.type) {
      case "number":
      case "integer":
        return 1;
      case "boolean":
        return true;
      case "array":
        return [];
      case "object":
        return {};
      default:
        return "x";
    }
  };
  return Object.fromEntries((schema.required ?? []).map((name) => [name, sample(properties[name] ?? {})]));
}

async function main(url: string | undefined): Promise<number> {
  if (!url) {
    console.error("usage: driver.ts <server-url> (MCP_CONFORMANCE_SCENARIO names the scenario)");
    return 1;
  }
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}") as Context;
  const storeDir = await mkdtemp(join(tmpdir(), "mcp-graph-conformance-"));
  const auth = authFor(scenario, context, join(storeDir, "oauth.json"));
  const options: MultiServerClientOptions = {
    connectTimeoutMs: 60_000,
    callTimeoutMs: 60_000,
    reconnect: { maxAttempts: 1 },
    oauth: { onAuthorizationUrl: consentingBrowser },
  };
  const config = { conformance: { url, transport: "http" as const, ...(auth ? { auth } : {}) } };
  // Accepting with no content lets the client fill in the schema's defaults (SEP-1034), which the
  // elicitation scenario checks.
  const client = new MultiServerClient(config, { ...options, onElicitation: async () => ({ action: "accept", content: {} }) });
  try {
    const status = (await client.connect()).conformance!;
    if (status.state !== "connected") {
      console.error(`not connected: ${status.error ?? status.state}`);
      return 1;
    }
    let failures = 0;
    for (const tool of client.catalog()) {
      try {
        const result = await client.callTool(tool.server, tool.name, minimalArguments(tool.inputSchema));
        console.log(`${tool.name}: ${result.isError ? "error result: " : ""}${resultText(result)}`);
      } catch (error) {
        failures++;
        console.error(`${tool.name}: ${(error as Error).message}`);
      }
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await client.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv[2]);
