/**
 * Loaded by mocha after ts-node (.mocharc.json): the program's own plain SDK bookkeeping stacks
 * (packages/kube-parser/sdk-promise-stacks.js), here also for resources' source positions, which
 * nothing reads under the SDK's mocks. Those stacks, source-mapped frame by frame by ts-node, were
 * about a third of the unit tests' CPU (node --cpu-prof: 21.9 -> 13.7 CPU-s); every error and
 * failing assertion is still source-mapped.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plainSdkPromiseStacks } = require("../../packages/kube-parser/sdk-promise-stacks") as {
    plainSdkPromiseStacks: (options?: { resourcePositions?: boolean }) => void;
};

plainSdkPromiseStacks({ resourcePositions: true });
