/** The admission guardrails: import from here. */
export { guardrailsYaml } from "./yaml";
export { DEFAULT_MIN_SHM_SIZE, guardrailBinding, guardrailObjects, GuardrailOptionsError, guardrailPolicy, PART_OF, validateGuardrailOptions } from "./policies";
export type { GuardrailObject, GuardrailOptions, LabelSelector, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from "./policies";
export { ENFORCEMENT_LEVELS, enforcementFromPackConfig, RULE_IDS, RULES, VALIDATION_ACTIONS } from "./rules";
export type { EnforcementLevel, RuleId } from "./rules";
