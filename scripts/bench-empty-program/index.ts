// Intentionally empty: `pulumi preview` of this measures the engine, language host and ts-node alone.
export {};
