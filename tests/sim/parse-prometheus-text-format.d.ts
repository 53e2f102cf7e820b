/** The package ships no types: `module.exports = parsePrometheusTextFormat`. */
declare module "parse-prometheus-text-format" {
    function parsePrometheusTextFormat(text: string): unknown[];
    export = parsePrometheusTextFormat;
}
