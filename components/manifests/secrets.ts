import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VllmModel } from "../model";
import { API_KEY_SECRET_KEY } from "./deployment";
import { metadata } from "./metadata";

/** An Opaque Secret with one key; the value is marked secret so it never reaches state in plain text. */
function opaqueSecret(m: VllmModel, name: string, key: string, value: pulumi.Input<string>): k8s.core.v1.SecretArgs {
    return { metadata: metadata(m, name), type: "Opaque", stringData: { [key]: pulumi.secret(value) } };
}

export function hfTokenSecretArgs(m: VllmModel, token: pulumi.Input<string>): k8s.core.v1.SecretArgs {
    return opaqueSecret(m, m.hfTokenSecretName!, m.hfTokenSecretKey, token);
}

export function apiKeySecretArgs(m: VllmModel, apiKey: pulumi.Input<string>): k8s.core.v1.SecretArgs {
    return opaqueSecret(m, m.apiKeySecretName!, API_KEY_SECRET_KEY, apiKey);
}
