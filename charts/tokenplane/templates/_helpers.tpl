{{/* Chart name, cut to the 63 characters Kubernetes allows in a label. */}}
{{- define "tokenplane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name, cut to 48: a StatefulSet name must stay within 52 characters (its pods get a
   controller-revision-hash label of name + 11), and the longest suffix added is "-bms-headless". */}}
{{- define "tokenplane.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 48 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tokenplane.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "tokenplane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tokenplane
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "bms"). */}}
{{- define "tokenplane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tokenplane.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tokenplane.componentLabels" -}}
{{ include "tokenplane.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tokenplane.bms.name" -}}
{{- printf "%s-bms" (include "tokenplane.fullname" .) -}}
{{- end -}}

{{- define "tokenplane.bms.headlessName" -}}
{{- printf "%s-bms-headless" (include "tokenplane.fullname" .) -}}
{{- end -}}

{{- define "tokenplane.agent.name" -}}
{{- printf "%s-agent" (include "tokenplane.fullname" .) -}}
{{- end -}}

{{- define "tokenplane.authSecretName" -}}
{{- default (printf "%s-auth" (include "tokenplane.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "tokenplane.bms.rulesName" -}}
{{- printf "%s-bms-rules" (include "tokenplane.fullname" .) -}}
{{- end -}}

{{- define "tokenplane.bms.apiKeysSecretName" -}}
{{- default (printf "%s-bms-api-keys" (include "tokenplane.fullname" .)) .Values.bms.apiKeysExistingSecret -}}
{{- end -}}

{{- define "tokenplane.bms.clusterSecretName" -}}
{{- default (printf "%s-bms-cluster" (include "tokenplane.fullname" .)) .Values.bms.clusterSecretExistingSecret -}}
{{- end -}}

{{- define "tokenplane.bms.hasApiKeys" -}}
{{- if or .Values.bms.apiKeys .Values.bms.apiKeysExistingSecret }}true{{ end -}}
{{- end -}}

{{- define "tokenplane.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tokenplane.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* repository:tag of an image; call with (dict "root" $ "image" .Values.bms.image). */}}
{{- define "tokenplane.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/*
BMS_KUBERNETES_SERVICE_DNS: the headless Service, whose DNS A records list every member (ready or not). Members find
each other through it (Hazelcast's Kubernetes discovery in DNS mode), so the pod template does not depend on the
replica count and scaling does not roll the members.
*/}}
{{- define "tokenplane.bms.serviceDns" -}}
{{- printf "%s.%s.svc.%s" (include "tokenplane.bms.headlessName" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{/* The URL agents report to: the BMS HTTP Service. */}}
{{- define "tokenplane.bms.url" -}}
{{- printf "%s://%s.%s.svc.%s:%d" (ternary "https" "http" (not (empty .Values.bms.tls.secretName))) (include "tokenplane.bms.name" .) .Release.Namespace .Values.clusterDomain (int .Values.bms.service.port) -}}
{{- end -}}

{{/* The rules file BMS_RULES_FILE names (the format of the README's "Rules file"): a list of rules, each with
   its id, from bms.rules (ruleId -> rule), in id order. */}}
{{- define "tokenplane.bms.rulesFile" -}}
{{- $rules := list -}}
{{- range $id, $rule := .Values.bms.rules -}}
{{- $rules = append $rules (merge (dict "id" $id) $rule) -}}
{{- end -}}
{{- toYaml (dict "rules" $rules) -}}
{{- end -}}

{{/* imagePullPolicy; call with (dict "root" $ "image" .Values.bms.image). Empty: Always for a -SNAPSHOT tag (it
   moves), IfNotPresent for a release tag. */}}
{{- define "tokenplane.imagePullPolicy" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- default (ternary "Always" "IfNotPresent" (hasSuffix "-SNAPSHOT" $tag)) .image.pullPolicy -}}
{{- end -}}
