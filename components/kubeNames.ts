/**
 * The API server's own rules for names, label keys and values, and Secret/ConfigMap keys, as
 * k8s.io/apimachinery v0.36.5 states them (pkg/util/validation/validation.go and
 * pkg/api/validate/content/kube.go). Each function returns why a value is invalid, or undefined.
 * Pure: no Pulumi, so the property tests and the mutation run exercise them directly.
 */

/** `dns1123LabelFmt`. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** `dns1035LabelFmt`: Service names must start with a letter. */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** `dns1123SubdomainFmt`: labels joined by dots. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `labelKeyFmt` (the name part of a label key; also a label value when not empty). */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** `configMapKeyFmt`, shared by Secret data keys. */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const LABEL_VALUE_MAX = 63;

/** IsDNS1123Label: namespaces. */
export function dns1123LabelProblem(s: string): string | undefined {
    if (s.length > DNS1123_LABEL_MAX) return `must be no more than ${DNS1123_LABEL_MAX} characters`;
    if (!DNS1123_LABEL.test(s)) return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
    return undefined;
}

/** IsDNS1035Label: Service names. */
export function dns1035LabelProblem(s: string): string | undefined {
    if (s.length > DNS1123_LABEL_MAX) return `must be no more than ${DNS1123_LABEL_MAX} characters`;
    if (!DNS1035_LABEL.test(s)) return "must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit";
    return undefined;
}

/** IsDNS1123Subdomain: Secret and ConfigMap names, label key prefixes. */
export function dns1123SubdomainProblem(s: string): string | undefined {
    if (s.length > DNS1123_SUBDOMAIN_MAX) return `must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`;
    if (!DNS1123_SUBDOMAIN.test(s)) return "must be a DNS-1123 subdomain: dot-separated lower-case labels of letters, digits and '-'";
    return undefined;
}

/** IsLabelKey (= IsQualifiedName): `[prefix/]name`, prefix a DNS-1123 subdomain, name at most 63. */
export function labelKeyProblem(key: string): string | undefined {
    const parts = key.split("/");
    if (parts.length > 2) return "has more than one '/'";
    const name = parts[parts.length - 1];
    if (parts.length === 2) {
        if (parts[0] === "") return "has an empty prefix before '/'";
        const prefix = dns1123SubdomainProblem(parts[0]);
        if (prefix) return `prefix "${parts[0]}" ${prefix}`;
    }
    if (name === "") return "has an empty name part";
    if (name.length > LABEL_VALUE_MAX) return `name part must be no more than ${LABEL_VALUE_MAX} characters`;
    if (!QUALIFIED_NAME.test(name)) return "name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    return undefined;
}

/** IsValidLabelValue: empty, or a qualified name of at most 63 characters. */
export function labelValueProblem(value: string): string | undefined {
    if (value.length > LABEL_VALUE_MAX) return `must be no more than ${LABEL_VALUE_MAX} characters`;
    if (value !== "" && !QUALIFIED_NAME.test(value)) return "must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    return undefined;
}

/** IsConfigMapKey: the data keys of Secrets and ConfigMaps. */
export function configMapKeyProblem(key: string): string | undefined {
    if (key.length > DNS1123_SUBDOMAIN_MAX) return `must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`;
    if (!CONFIG_MAP_KEY.test(key)) return "must be letters, digits, '-', '_' or '.'";
    if (key === "." || key === ".." || key.startsWith("..")) return "must not be '.' or '..' nor start with '..'";
    return undefined;
}
