/**
 * Where each of our servers listens unless told otherwise, and the variable that moves it. The one
 * place these numbers are written: the servers' own entry points and the application's client
 * configuration both read them from here.
 */
export const SERVER_DEFAULTS = {
  math: { serverName: "MathServer", port: 58000, portVariable: "MATH_SERVER_PORT" },
  weather: { serverName: "WeatherServer", port: 58001, portVariable: "WEATHER_SERVER_PORT" },
} as const;

export type LocalServerKey = keyof typeof SERVER_DEFAULTS;
