{{/* Builtins only (see values.yaml). Labels are written in flow style so they fit any indentation. */}}
{{- define "patchbay.labels" -}}
{app.kubernetes.io/name: patchbay, app.kubernetes.io/instance: {{ .Release.Name }}, app.kubernetes.io/version: {{ printf "%q" .Chart.AppVersion }}, app.kubernetes.io/managed-by: {{ .Release.Service }}, helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}}
{{- end -}}

{{- define "patchbay.secretName" -}}
{{ if .Values.secrets.existingSecret }}{{ .Values.secrets.existingSecret }}{{ else }}{{ .Release.Name }}-secrets{{ end }}
{{- end -}}

{{/* The render stops here with the reason in the error (Go templates have no fail function):
     calling a template that does not exist names it.
     Numbers are compared as decimal strings (shorter is smaller, else lexically): a value from a
     file is a float64 and one from --set an int64, which Go's lt cannot compare with each other. */}}
{{- define "patchbay.checks" -}}
{{- $grace := printf "%v" .Values.mediaPlane.terminationGracePeriodSeconds -}}
{{- $drain := printf "%v" .Values.mediaPlane.drainSeconds -}}
{{- if or (lt (len $grace) (len $drain)) (and (eq (len $grace) (len $drain)) (le $grace $drain)) -}}
{{ template "mediaPlane.terminationGracePeriodSeconds must be longer than mediaPlane.drainSeconds" }}
{{- end -}}
{{- $replicas := printf "%v" .Values.controlPlane.replicas -}}
{{- if or (eq $replicas "0") (eq $replicas "1") -}}
{{ template "controlPlane.replicas must be at least 2" }}
{{- end -}}
{{- if not .Values.secrets.existingSecret -}}
{{- if not .Values.secrets.dbPassword }}{{ template "secrets.dbPassword is required (or secrets.existingSecret)" }}{{ end -}}
{{- if not .Values.secrets.secretsKey }}{{ template "secrets.secretsKey is required (or secrets.existingSecret)" }}{{ end -}}
{{- if not .Values.secrets.clusterToken }}{{ template "secrets.clusterToken is required (or secrets.existingSecret)" }}{{ end -}}
{{- if not .Values.secrets.adminKey }}{{ template "secrets.adminKey is required (or secrets.existingSecret)" }}{{ end -}}
{{- end -}}
{{- end -}}

{{- define "patchbay.podSecurity" -}}
{runAsNonRoot: true, runAsUser: {{ .Values.podSecurityContext.runAsUser }}, runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}, fsGroup: {{ .Values.podSecurityContext.fsGroup }}}
{{- end -}}

{{- define "patchbay.containerSecurity" -}}
{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
{{- end -}}

{{/* A resources block from {requests: {...}, limits: {...}}; quantities quoted, so 1 and "1" both work. */}}
{{- define "patchbay.resources" -}}
{ {{- range $kind, $m := . }}{{ $kind }}: { {{- range $k, $v := $m }}{{ $k }}: {{ printf "%v" $v | printf "%q" }}, {{ end -}} }, {{ end -}} }
{{- end -}}
