/** Runs MathServer alone (`npm run server:math`); its port comes from MATH_SERVER_PORT. */
import { runServers } from "../shared/run.js";
import { mathHosting } from "./server.js";

await runServers(process.env, (env) => [{ hosting: mathHosting, port: env.MATH_SERVER_PORT }]);
