/** The demo, for the CLI and the examples. */
export { runDemo, demoMain, parseDemoArgs, unknownScenarios, type DemoOptions, type DemoReport } from './main.js';
export { scenarios, apis, cpu, sqlite, service, tiny, pipeline } from './scenarios/index.js';
export { renderScenario, ruleScore } from './format.js';
export type { Scenario, ScenarioResult, ScenarioOptions, Row, RuleMark } from './types.js';
