/** Small helpers every entry point shares; imports nothing of the project, so it loads in no time. */
export { integerFlag, UsageError } from "./usage.js";
export { projectRoot } from "./root.js";
