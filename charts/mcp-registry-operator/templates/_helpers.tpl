{{/*
Names are fixed, not derived from the release name: the operator looks up its webhook
configurations and its certificate Secret by these names (src/webhook/self-signed.ts), and the
cluster-scoped objects (CRD, webhooks, ClusterRoles) allow one installation per cluster anyway.
*/}}
{{- define "mcpr.name" -}}mcp-registry-operator{{- end -}}

{{/* The label every object carries and every selector uses, as in the kustomize base. */}}
{{- define "mcpr.selectorLabels" -}}
app.kubernetes.io/name: mcp-registry-operator
{{- end -}}

{{/* Helm's own labels (the comparison with kustomize ignores exactly these) and commonLabels. */}}
{{- define "mcpr.helmLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.labels of an object; pass (dict "ctx" $ "extra" (dict ...)). */}}
{{- define "mcpr.labels" -}}
{{ include "mcpr.selectorLabels" .ctx }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{ include "mcpr.helmLabels" .ctx }}
{{- end -}}

{{/*
metadata.annotations of an object (commonAnnotations merged with extra), with its leading newline
and indentation under metadata; nothing when there are none. Call right after the labels.
*/}}
{{- define "mcpr.annotations" -}}
{{- $a := merge (dict) (.extra | default (dict)) (.ctx.Values.commonAnnotations | default (dict)) -}}
{{- if $a }}
  annotations:
{{- toYaml $a | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "mcpr.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ $tag }}
{{- end -}}
{{- end -}}

{{/* The port of operator.healthAddress ("[host]:port"). */}}
{{- define "mcpr.healthPort" -}}
{{- regexFind "[0-9]+$" .Values.operator.healthAddress -}}
{{- end -}}

{{- define "mcpr.selfSigned" -}}
{{- if eq .Values.certificates.mode "self-signed" }}true{{ end -}}
{{- end -}}

{{/* Namespaces the webhooks never review: the configured ones and the release namespace. */}}
{{- define "mcpr.webhookExcluded" -}}
{{- toYaml (uniq (append (.Values.webhooks.excludeNamespaces | default list) .Release.Namespace)) -}}
{{- end -}}
