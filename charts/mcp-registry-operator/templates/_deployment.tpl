{{- /*
The operator's Deployment, for one role: "all" (webhooks and controller in every pod, the default),
"controller" or "webhook" (webhooks.separateDeployment: the webhooks in a Deployment of their own,
so no sync shares a process with admission at all). Mirrors manifests/base/deployment.yaml plus the
overlay's patch for the chosen certificate mode, and with separateDeployment the
manifests/components/separate-webhooks component. A setting becomes a flag only when it differs
from the operator's default (the kustomize base passes the same four flags always), so the default
render equals the overlay.
*/ -}}
{{- define "mcpr.deployment" -}}
{{- $ctx := .ctx -}}
{{- $role := .role -}}
{{- $op := $ctx.Values.operator -}}
{{- $t := $op.tuning -}}
{{- $podLabels := $ctx.Values.podLabels -}}
{{- $selector := include "mcpr.selectorLabels" $ctx -}}
{{- if eq $role "webhook" }}{{ $selector = "app.kubernetes.io/name: mcp-registry-operator-webhook" }}{{ end -}}
{{- $image := include "mcpr.image" $ctx -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "mcpr.name" $ctx }}{{ if eq $role "webhook" }}-webhook{{ end }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- $selector | nindent 4 }}
    {{- include "mcpr.helmLabels" $ctx | nindent 4 }}
    {{- include "mcpr.annotations" (dict "ctx" $ctx) }}
spec:
  replicas: {{ ternary $ctx.Values.webhooks.replicaCount $ctx.Values.replicaCount (eq $role "webhook") }}
  selector:
    matchLabels:
      {{- $selector | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
  template:
    metadata:
      labels:
        {{- $selector | nindent 8 }}
        {{- with $podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- include "mcpr.helmLabels" $ctx | nindent 8 }}
      {{- with $ctx.Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "mcpr.name" $ctx }}
      terminationGracePeriodSeconds: {{ $ctx.Values.terminationGracePeriodSeconds }}
      {{- with $ctx.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $ctx.Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        fsGroup: 65532
        seccompProfile: {type: RuntimeDefault}
      {{- with $ctx.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $ctx.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (eq $role "webhook" | ternary $ctx.Values.webhooks.affinity $ctx.Values.affinity) }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $ctx.Values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: operator
          image: {{ $image }}
          {{- with $ctx.Values.image.pullPolicy }}
          imagePullPolicy: {{ . }}
          {{- end }}
          args:
            - dist/src/bin/operator.js
            - --cert-dir={{ $op.certDir }}
            - --health-address={{ $op.healthAddress }}
            - --webhook-port={{ $op.webhookPort }}
            - --leader-elect={{ $op.leaderElect }}
            {{- /* Where the separate-webhooks component puts them: before the certificate mode's flag. */}}
            {{- if eq $role "controller" }}
            - --enable-webhooks=false
            {{- else if eq $role "webhook" }}
            - --enable-controller=false
            {{- end }}
            {{- if include "mcpr.selfSigned" $ctx }}
            - --self-signed=true
            {{- end }}
            {{- with $op.watchNamespaces }}
            - --watch-namespaces={{ join "," . }}
            {{- end }}
            {{- with $op.registryRefEndpoints }}
            - --registry-ref-endpoints={{ range $i, $k := keys . | sortAlpha }}{{ if $i }},{{ end }}{{ $k }}={{ index $op.registryRefEndpoints $k }}{{ end }}
            {{- end }}
            {{- with $op.registryApiIngressNamespaceSelector }}
            - --registry-api-ingress-namespace-selector={{ range $i, $k := keys . | sortAlpha }}{{ if $i }},{{ end }}{{ $k }}={{ index $op.registryApiIngressNamespaceSelector $k }}{{ end }}
            {{- end }}
            {{- with $op.registryApiIngressClass }}
            - --registry-api-ingress-class={{ . }}
            {{- end }}
            {{- if ne (int $op.registryApiReplicas) 1 }}
            - --registry-api-replicas={{ $op.registryApiReplicas }}
            {{- end }}
            {{- $res := $op.registryApiResources | default (dict) }}
            {{- if ne (toJson $res) (toJson (dict "requests" (dict "cpu" "50m" "memory" "64Mi") "limits" (dict "memory" "256Mi"))) }}
            - --registry-api-resources={{ $first := true }}{{ range $part := list "requests" "limits" }}{{ range $r := list "cpu" "memory" }}{{ with index (dig $part (dict) $res) $r | default "" }}{{ if not $first }},{{ end }}{{ $part }}.{{ $r }}={{ . }}{{ $first = false }}{{ end }}{{ end }}{{ end }}
            {{- end }}
            {{- if and (not $op.enableWebhooks) (ne $role "controller") }}
            - --enable-webhooks=false
            {{- end }}
            {{- if and (not $op.enableController) (ne $role "webhook") }}
            - --enable-controller=false
            {{- end }}
            {{- if ne $op.webhookHost "0.0.0.0" }}
            - --webhook-host={{ $op.webhookHost }}
            {{- end }}
            {{- if ne $op.webhookServiceName "mcp-registry-operator-webhook" }}
            - --webhook-service-name={{ $op.webhookServiceName }}
            {{- end }}
            {{- if ne $op.leaseName "mcp-registry-operator-leader" }}
            - --lease-name={{ $op.leaseName }}
            {{- end }}
            {{- if ne (int $op.shards) 1 }}
            - --shards={{ $op.shards }}
            {{- end }}
            {{- if ne $op.logLevel "info" }}
            - --log-level={{ $op.logLevel }}
            {{- end }}
            {{- if not $op.deployRegistryApi }}
            - --deploy-registry-api=false
            {{- end }}
            {{- if ne (int $op.drainSeconds) 5 }}
            - --drain-seconds={{ $op.drainSeconds }}
            {{- end }}
            {{- if not $op.controllerThread }}
            - --controller-thread=false
            {{- end }}
            {{- if $ctx.Values.policy }}
            - --policy=/etc/mcp-registry/policy/policy.yaml
            {{- end }}
            {{- range $op.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          env:
            - name: POD_NAMESPACE
              valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
            - name: REGISTRY_API_IMAGE
              value: {{ $op.registryApiImage | default $image | quote }}
            {{- with $op.nodeOptions }}
            - name: NODE_OPTIONS
              value: {{ . | quote }}
            {{- end }}
            {{- range $name, $pair := dict "MCPR_WORKERS" (list $t.workers 4) "MCPR_SYNC_BACKOFF_BASE_MS" (list $t.syncBackoffBaseMs 5000) "MCPR_SYNC_BACKOFF_MAX_MS" (list $t.syncBackoffMaxMs 300000) "MCPR_QUEUE_BASE_DELAY_MS" (list $t.queueBaseDelayMs 1000) "MCPR_QUEUE_MAX_DELAY_MS" (list $t.queueMaxDelayMs 300000) "MCPR_SOURCE_RETRY_DELAY_MS" (list $t.sourceRetryDelayMs 500) "MCPR_COMPLIANCE_INTERVAL_MS" (list $t.complianceIntervalMs 30000) }}
            {{- if ne (int (index $pair 0)) (int (index $pair 1)) }}
            - name: {{ $name }}
              value: {{ index $pair 0 | int | toString | quote }}
            {{- end }}
            {{- end }}
            {{- with $op.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - {name: webhook, containerPort: {{ $op.webhookPort }}, protocol: TCP}
            - {name: health, containerPort: {{ include "mcpr.healthPort" $ctx }}, protocol: TCP}
          readinessProbe:
            httpGet: {path: /readyz, port: health}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /healthz, port: health}
            initialDelaySeconds: 10
            periodSeconds: 10
          {{- with $ctx.Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
            {{- if not (include "mcpr.selfSigned" $ctx) }}
            - {name: serving-certs, mountPath: {{ $op.certDir }}, readOnly: true}
            {{- end }}
            {{- if $ctx.Values.policy }}
            - {name: policy, mountPath: /etc/mcp-registry/policy, readOnly: true}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- if not (include "mcpr.selfSigned" $ctx) }}
        - name: serving-certs
          secret: {secretName: mcp-registry-operator-webhook-tls}
        {{- end }}
        {{- if $ctx.Values.policy }}
        - name: policy
          configMap: {name: mcp-registry-policy}
        {{- end }}
{{- end -}}
