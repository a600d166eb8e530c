// Imports the module named on the command line with process.env watched, and prints the names it read.
// Usage: node --import tsx env-probe.ts <module path relative to the repository root>
import { pathToFileURL } from "node:url";

const read = new Set<string>();
const real = process.env;
process.env = new Proxy(real, {
  get(target, key) {
    if (typeof key === "string") read.add(key);
    return Reflect.get(target, key);
  },
});
await import(pathToFileURL(process.argv[2]!).href);
process.env = real;
console.log(JSON.stringify([...read]));
