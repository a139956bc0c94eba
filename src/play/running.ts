// What running a step and a chapter's checks needs: the step runner, its live output and the
// check gate with the engine behind it. The play loop loads this when a step runs or checks are
// due, so a chapter's first page never waits for these modules to load.
export { describeExit } from '../steps/exit-codes.ts';
export { createLiveOutput } from '../steps/live.ts';
export { createSecretMasker, maskSecrets } from '../steps/mask.ts';
export { runStep } from '../steps/run.ts';
export { stepKeyboardUse } from '../journey/keyboard.ts';
export { formatTimeout } from '../checks/countdown.ts';
export { DEFAULT_TIMEOUT_SECONDS } from '../checks/engine.ts';
export { checkChapter, checkingNotice, helpText, prepareForChecks } from '../checks/gate.ts';
