{{/*
The variables a component takes from its own values after the chart's: JAVA_TOOL_OPTIONS (read by the JVM itself, so
it adds to the image's flags), then extraEnv, last, so that an extraEnv entry named like one of the chart's variables
replaces it (Kubernetes keeps the last entry of a name). Call with the component's values (.Values.bms).
*/}}
{{- define "tokenplane.extraEnv" -}}
{{- with .javaOpts }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- with .extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
