/** Names of the application's own metrics (POST /v1/metrics on the agent): what the agent accepts and the console's gates name. */
export const metricNamePattern = /^[a-z][a-z0-9_]{0,63}$/;
